-- delivery_letter.lua -- a person approves ("send": re-armed through
-- writ:delivery:rearm) or discards a held letter (delivery_store_letter).
--
-- ARGV[1]  id
-- ARGV[2]  case_id        the letter must be this case's
-- ARGV[3]  action         send | discard
-- ARGV[4]  reason
-- ARGV[5]  operator
-- ARGV[6]  now            ms
-- ARGV[7]  stage          the audit entry's stage (casework)
--
-- Returns 0, 1 not held, 2 not this case's.
local id, case_id, action, reason = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local operator, now, stage = ARGV[5], ARGV[6], ARGV[7]

local k = 'writ:delivery:' .. id
if redis.call('HGET', k, 'case') ~= case_id then return 2 end
if redis.call('HGET', k, 'state') ~= 'held' then return 1 end
local to = 'discarded'
if action == 'send' then
  to = 'deferred'
  redis.call('HSET', k, 'state', 'deferred', 'next_at', '0', 'updated_at', now,
    'reply', 'approved by ' .. operator .. ': ' .. reason)
  redis.call('SADD', 'writ:delivery:rearm', id)
else
  redis.call('HSET', k, 'state', 'discarded', 'updated_at', now,
    'reply', 'discarded by ' .. operator .. ': ' .. reason)
end
redis.call('ZREM', 'writ:delivery:attention', id)
redis.call('XADD', 'writ:audit:' .. case_id, '*', 'stage', stage,
  'worker', 'writctl', 'event', 'delivery', 'from', 'held', 'to', to,
  'note', 'letter ' .. id .. ': ' .. action,
  'operator', operator, 'act', 'letter ' .. action, 'reason', reason, 'account', '-')
return 0
