-- act.lua -- a person's act on a case (casework_store_commit), applied
-- atomically and optimistically: only while the case is as the act read
-- it (state, rev, updated_at), and at most once per act id. Writes the
-- new state and casework, the record when it changed, the indexes, the
-- held set, notify's hand-off and the audit entry, all or nothing.
--
-- ARGV[1]  id
-- ARGV[2]  expect_state   "" = unguarded (notes: whatever the state)
-- ARGV[3]  expect_rev
-- ARGV[4]  expect_updated_at
-- ARGV[5]  act_id         the same id is applied once
-- ARGV[6]  new_state
-- ARGV[7]  record         "" = unchanged
-- ARGV[8]  casework       JSON
-- ARGV[9]  now            ms
-- ARGV[10] to_notify      "1": hand the case to notify
-- ARGV[11] clear_review   "1": clear the review reason
-- ARGV[12] dated          "1" add to writ:idx:dated, "-1" remove
-- ARGV[13] operator
-- ARGV[14] act            its name (the audit event)
-- ARGV[15] reason
-- ARGV[16] account
-- ARGV[17] note           what changed
-- ARGV[18] worker
-- ARGV[19] notify_stage   the stage a case to notify is handed to
-- ARGV[20] stage          the audit entry's stage (casework)
-- ARGV[21..] pairs: held member "{id} {account}", score | "remove" | "+inf"
--
-- Returns {0, state} applied, {1, state} the case changed since it was
-- read, {2, state} this act id was applied already, {3, ""} no such case.
local id, expect_state, expect_rev = ARGV[1], ARGV[2], ARGV[3]
local expect_updated_at, act_id, new_state = ARGV[4], ARGV[5], ARGV[6]
local record, casework, now, to_notify = ARGV[7], ARGV[8], ARGV[9], ARGV[10]
local clear_review, dated, operator, act = ARGV[11], ARGV[12], ARGV[13], ARGV[14]
local reason, account, note, worker = ARGV[15], ARGV[16], ARGV[17], ARGV[18]
local notify_stage, stage = ARGV[19], ARGV[20]
local HELD_FIRST = 21

local key = 'writ:case:'..id
local cur = redis.call('HMGET', key, 'state', 'rev', 'updated_at')
if not cur[1] then return {3, ''} end
if redis.call('SISMEMBER', 'writ:acts:'..id, act_id) == 1 then
  return {2, cur[1]}
end
if expect_state ~= '' and (cur[1] ~= expect_state or (cur[2] or '0') ~= expect_rev
    or (cur[3] or '') ~= expect_updated_at) then
  return {1, cur[1]}
end
local to = new_state
if expect_state == '' then to = cur[1] end
redis.call('HINCRBY', key, 'rev', 1)
redis.call('HSET', key, 'state', to, 'casework', casework, 'updated_at', now)
if record ~= '' then redis.call('HSET', key, 'record', record) end
if clear_review == '1' then redis.call('HSET', key, 'review_reason', '') end
if to ~= cur[1] then
  redis.call('SREM', 'writ:idx:state:'..cur[1], id)
  redis.call('SADD', 'writ:idx:state:'..to, id)
end
if to_notify == '1' then redis.call('ZADD', 'writ:pending:'..notify_stage, 0, id) end
if dated == '1' then redis.call('SADD', 'writ:idx:dated', id)
elseif dated == '-1' then redis.call('SREM', 'writ:idx:dated', id) end
for i = HELD_FIRST, #ARGV, 2 do
  if ARGV[i+1] == 'remove' then redis.call('ZREM', 'writ:held', ARGV[i])
  else redis.call('ZADD', 'writ:held', ARGV[i+1], ARGV[i]) end
end
redis.call('SADD', 'writ:acts:'..id, act_id)
redis.call('XADD', 'writ:audit:'..id, '*', 'stage', stage,
  'worker', worker, 'event', act, 'from', cur[1], 'to', to,
  'note', note, 'operator', operator, 'act', act,
  'reason', reason, 'account', account, 'act_id', act_id)
return {0, to}
