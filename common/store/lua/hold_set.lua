-- hold_set.lua -- puts a case on legal hold (retention_hold_set): never
-- purged while held.
--
-- ARGV[1]  id
-- ARGV[2]  reason
-- ARGV[3]  operator
-- ARGV[4]  now            ms
-- ARGV[5]  stage          the audit entry's stage (writctl)
--
-- Returns 0, 1 already held, 2 no such case.
local id, reason, operator, now, stage = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

local key = 'writ:case:'..id
local st = redis.call('HGET', key, 'state')
if not st then return 2 end
if (redis.call('HGET', key, 'hold') or '') ~= '' then return 1 end
redis.call('HSET', key, 'hold', reason, 'hold_by', operator, 'hold_at', now)
redis.call('SADD', 'writ:holds', id)
redis.call('XADD', 'writ:audit:'..id, '*', 'stage', stage,
  'worker', operator, 'event', 'legal_hold', 'from', st, 'to', st,
  'note', reason)
return 0
