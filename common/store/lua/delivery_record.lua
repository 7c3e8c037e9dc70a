-- delivery_record.lua -- the relay's answer to one attempt
-- (delivery_store_record): sent, deferred (retried at next_at) or failed;
-- a person is asked to look (writ:delivery:attention) after a failure or
-- attention_after deferrals. Audited on the case.
--
-- ARGV[1]  id
-- ARGV[2]  worker
-- ARGV[3]  outcome        sent | deferred | failed
-- ARGV[4]  code           the relay's reply code
-- ARGV[5]  reply          the relay's reply text
-- ARGV[6]  now            ms
-- ARGV[7]  next_at        ms: a deferred delivery's next attempt
-- ARGV[8]  attention_after  deferrals before a person is asked to look
-- ARGV[9]  case_id
-- ARGV[10] kind
-- ARGV[11] stage          the audit entry's stage (send)
--
-- Returns 0 recorded, 1 not this worker's attempt (nothing changed).
local id, worker, outcome, code = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local reply, now, next_at, attention_after = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local case_id, kind, stage = ARGV[9], ARGV[10], ARGV[11]

local k = 'writ:delivery:' .. id
local st = redis.call('HGET', k, 'state')
local audit = 'writ:audit:' .. case_id
local what = kind .. ' ' .. id
if outcome == 'sent' then
  if st == 'sent' or not st then return 1 end
  redis.call('HSET', k, 'state', 'sent', 'sent_at', now, 'code', code,
    'reply', reply, 'updated_at', now)
  redis.call('HDEL', k, 'lease_until', 'next_at')
  redis.call('ZREM', 'writ:delivery:attention', id)
  redis.call('XADD', audit, '*', 'stage', stage, 'worker', worker,
    'event', 'delivery', 'from', st, 'to', 'sent', 'note', what .. ': ' .. reply)
  return 0
end
if (st ~= 'sending' and st ~= 'committing')
   or redis.call('HGET', k, 'worker') ~= worker then return 1 end
redis.call('HSET', k, 'state', outcome, 'code', code, 'reply', reply,
  'updated_at', now)
redis.call('HDEL', k, 'lease_until')
local n = tonumber(redis.call('HGET', k, 'attempts') or '0')
if outcome == 'deferred' then
  redis.call('HSET', k, 'next_at', next_at)
  if n >= tonumber(attention_after) then
    redis.call('ZADD', 'writ:delivery:attention', 'NX', now, id)
  end
  if n ~= 1 and n ~= tonumber(attention_after) then return 0 end
else
  redis.call('ZADD', 'writ:delivery:attention', now, id)
end
redis.call('XADD', audit, '*', 'stage', stage, 'worker', worker,
  'event', 'delivery', 'from', st, 'to', outcome,
  'note', what .. ' (attempt ' .. n .. '): ' .. reply)
return 0
