-- hold_release.lua -- ends a case's legal hold (retention_hold_release).
--
-- ARGV[1]  id
-- ARGV[2]  reason
-- ARGV[3]  operator
-- ARGV[4]  stage          the audit entry's stage (writctl)
--
-- Returns 0, 1 not held, 2 no such case.
local id, reason, operator, stage = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local key = 'writ:case:'..id
local st = redis.call('HGET', key, 'state')
if not st then return 2 end
if (redis.call('HGET', key, 'hold') or '') == '' then return 1 end
redis.call('HDEL', key, 'hold', 'hold_by', 'hold_at')
redis.call('SREM', 'writ:holds', id)
redis.call('XADD', 'writ:audit:'..id, '*', 'stage', stage,
  'worker', operator, 'event', 'hold_released', 'from', st, 'to', st,
  'note', reason)
return 0
