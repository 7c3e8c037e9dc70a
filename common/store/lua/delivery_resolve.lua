-- delivery_resolve.lua -- a person resolves a failed, unconfirmed or
-- deferred delivery (writctl case delivery ID DELIVERY resend|sent):
-- "sent" confirms it, anything else re-arms it (writ:delivery:rearm,
-- taken by writ-send). Out of the attention set; audited with the
-- operator.
--
-- ARGV[1]  id
-- ARGV[2]  case_id        the delivery must be this case's
-- ARGV[3]  action         sent | resend
-- ARGV[4]  reason
-- ARGV[5]  operator
-- ARGV[6]  now            ms
-- ARGV[7]  stage          the audit entry's stage (casework)
--
-- Returns 0, 1 not in a state a person resolves, 2 not this case's.
local id, case_id, action, reason = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local operator, now, stage = ARGV[5], ARGV[6], ARGV[7]

local k = 'writ:delivery:' .. id
if redis.call('HGET', k, 'case') ~= case_id then return 2 end
local st = redis.call('HGET', k, 'state')
if st ~= 'failed' and st ~= 'unconfirmed' and st ~= 'deferred' then return 1 end
local to = 'deferred'
if action == 'sent' then
  to = 'sent'
  redis.call('HSET', k, 'state', 'sent', 'sent_at', now, 'updated_at', now,
    'reply', 'confirmed by ' .. operator .. ': ' .. reason)
else
  redis.call('HSET', k, 'state', 'deferred', 'next_at', '0', 'updated_at', now)
  redis.call('SADD', 'writ:delivery:rearm', id)
end
redis.call('HDEL', k, 'lease_until')
redis.call('ZREM', 'writ:delivery:attention', id)
redis.call('XADD', 'writ:audit:' .. case_id, '*', 'stage', stage,
  'worker', 'writctl', 'event', 'delivery', 'from', st, 'to', to,
  'note', (redis.call('HGET', k, 'kind') or 'message') .. ' ' .. id .. ': ' .. action,
  'operator', operator, 'act', 'delivery ' .. action, 'reason', reason, 'account', '-')
return 0
