-- mark_review.lua -- a case a stage cannot work on (a record that cannot
-- even be decoded) goes to review, atomically (case_store_mark_review):
-- state review with the reason, out of the stage's pending set, an audit
-- entry; only while the stored record is the unreadable one.
--
-- ARGV[1]  id
-- ARGV[2]  stage
-- ARGV[3]  worker
-- ARGV[4]  reason
-- ARGV[5]  now            ms
-- ARGV[6]  input_sha1     sha1 of the unreadable record, "" no check
-- ARGV[7]  review_state   the review state's name
--
-- Returns 0, 1 no such case, 4 the stored record differs.
local id, stage, worker, reason = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now, input_sha1, review_state = ARGV[5], ARGV[6], ARGV[7]
--@include _stage_checks.lua

local key = 'writ:case:'..id
local st = redis.call('HGET', key, 'state')
if not st then
  redis.call('ZREM', 'writ:pending:'..stage, id)
  return 1
end
if refused(id, stage, worker, st, input_sha1,
           'an unreadable record that is not the one stored: not acted on') then
  return 4
end
redis.call('ZREM', 'writ:pending:'..stage, id)
redis.call('HSET', key, 'state', review_state, 'review_reason', reason,
  'updated_at', now)
redis.call('SREM', 'writ:idx:state:'..st, id)
redis.call('SADD', 'writ:idx:state:'..review_state, id)
redis.call('XADD', 'writ:audit:'..id, '*', 'stage', stage,
  'worker', worker, 'event', 'review', 'from', st, 'to', review_state,
  'note', reason)
return 0
