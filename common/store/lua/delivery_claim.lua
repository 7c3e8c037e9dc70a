-- delivery_claim.lua -- writ-send claims one notice, alert, acknowledgement
-- or letter to send (delivery_store_claim): at most one sender at a time
-- (a lease), never again once final, a lapsed "committing" marked
-- unconfirmed (it may have gone out), a notice not before its case is
-- decided.
--
-- ARGV[1]  id             the delivery's id
-- ARGV[2]  case_id
-- ARGV[3]  kind           notice | alert | ack | letter
-- ARGV[4]  now            ms
-- ARGV[5]  lease_ms
-- ARGV[6]  worker
-- ARGV[7]  to
-- ARGV[8]  message_id
-- ARGV[9]  stage          the audit entry's stage (send)
--
-- Returns {'go', attempts}, {'done', 0}, {'held', 0}, {'busy', lease_until},
-- {'later', next_at} or {'not_yet', 0}.
local id, case_id, kind, now_ms = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local lease_ms, worker, to, message_id = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local stage = ARGV[9]

local k = 'writ:delivery:' .. id
local now = tonumber(now_ms)
local st = redis.call('HGET', k, 'state')
if st == 'sent' or st == 'failed' or st == 'unconfirmed' or st == 'discarded' then
  return {'done', 0}
end
if st == 'held' then return {'held', 0} end
if st == 'sending' or st == 'committing' then
  local lu = tonumber(redis.call('HGET', k, 'lease_until') or '0')
  if lu > now then return {'busy', lu} end
  if st == 'committing' then
    redis.call('HSET', k, 'state', 'unconfirmed', 'updated_at', now_ms,
      'reply', 'the sender stopped after the end of the data went out and before the answer of the relay was recorded: look for the Message-ID in the log of the relay')
    redis.call('HDEL', k, 'lease_until')
    redis.call('ZADD', 'writ:delivery:attention', now, id)
    redis.call('XADD', 'writ:audit:' .. case_id, '*', 'stage', stage,
      'worker', worker, 'event', 'delivery', 'from', 'committing',
      'to', 'unconfirmed', 'note', kind .. ' ' .. id .. ' may have been sent; not sent again')
    return {'done', 0}
  end
end
if st == 'deferred' then
  local na = tonumber(redis.call('HGET', k, 'next_at') or '0')
  if na > now then return {'later', na} end
end
if kind == 'notice' then
  local cs = redis.call('HGET', 'writ:case:' .. case_id, 'state')
  if not cs or cs == 'received' or cs == 'decided' or cs == 'documents' then
    return {'not_yet', 0}
  end
end
if not st then
  redis.call('HSET', k, 'kind', kind, 'case', case_id, 'to', to,
    'message_id', message_id, 'prepared_at', now_ms)
  redis.call('SADD', 'writ:delivery:case:' .. case_id, id)
end
local n = redis.call('HINCRBY', k, 'attempts', 1)
redis.call('HSET', k, 'state', 'sending', 'lease_until', now + tonumber(lease_ms),
  'worker', worker, 'updated_at', now_ms)
return {'go', n}
