-- advance.lua -- a stage's result plus the hand-off to the next stage,
-- all or nothing (case_store_advance).
--
-- ARGV[1]  id
-- ARGV[2]  stage          the stage that did the work
-- ARGV[3]  expect_state   the state it worked from
-- ARGV[4]  new_state
-- ARGV[5]  next_stage     "" when the case is finished
-- ARGV[6]  lease_until    ms: the next stage's lease
-- ARGV[7]  record         the new encoded record
-- ARGV[8]  worker
-- ARGV[9]  note
-- ARGV[10] now            ms
-- ARGV[11] challenge      "1" when a challenge is recommended
-- ARGV[12] review_reason
-- ARGV[13] guard_key      record only while GET guard_key (missing: "0")
-- ARGV[14] guard_value      equals guard_value; "" key: no guard
-- ARGV[15] input_sha1     sha1 of the record the stage decided on, "" no check
-- ARGV[16..] pairs: held member "{id} {account}", release day (yyyymmdd | +inf)
--
-- Returns 0 advanced, 1 already advanced (redelivery), 2 no such case,
-- 3 the guard did not match, 4 the stored record is not the one decided on.
local id, stage, expect_state, new_state = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local next_stage, lease_until, record, worker = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local note, now, challenge, review_reason = ARGV[9], ARGV[10], ARGV[11], ARGV[12]
local guard_key, guard_value, input_sha1 = ARGV[13], ARGV[14], ARGV[15]
local HELD_FIRST = 16
--@include _stage_checks.lua

local key = 'writ:case:'..id
local pending = 'writ:pending:'..stage
local st, moved = waiting_state(id, stage, expect_state, worker)
if not st then return moved end
if refused(id, stage, worker, st, input_sha1,
           'the record decided on is not the one stored: not recorded') then
  return 4
end
if guard_key ~= '' and (redis.call('GET', guard_key) or '0') ~= guard_value then
  return 3
end
redis.call('HSET', key, 'state', new_state, 'record', record,
  'updated_at', now, 'challenge', challenge,
  'review_reason', review_reason)
if st ~= new_state then
  redis.call('SREM', 'writ:idx:state:'..st, id)
  redis.call('SADD', 'writ:idx:state:'..new_state, id)
end
redis.call('ZREM', pending, id)
if next_stage ~= '' then
  redis.call('ZADD', 'writ:pending:'..next_stage, lease_until, id)
end
for i = HELD_FIRST, #ARGV, 2 do
  redis.call('ZADD', 'writ:held', ARGV[i+1], ARGV[i])
end
redis.call('XADD', 'writ:audit:'..id, '*', 'stage', stage,
  'worker', worker, 'event', 'transition', 'from', st, 'to', new_state,
  'note', note)
return 0
