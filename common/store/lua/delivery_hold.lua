-- delivery_hold.lua -- a decision letter prepared and held for a person
-- (delivery_store_hold).
--
-- ARGV[1]  id
-- ARGV[2]  case_id
-- ARGV[3]  to
-- ARGV[4]  message_id
-- ARGV[5]  now            ms
-- ARGV[6]  letter         which letter
-- ARGV[7]  why            the reason shown to the person
-- ARGV[8]  stage          the audit entry's stage (send)
--
-- Returns 1 held now, 0 it already had a state.
local id, case_id, to, message_id = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now, letter, why, stage = ARGV[5], ARGV[6], ARGV[7], ARGV[8]

local k = 'writ:delivery:' .. id
if redis.call('HGET', k, 'state') then return 0 end
redis.call('HSET', k, 'kind', 'letter', 'case', case_id, 'to', to,
  'message_id', message_id, 'prepared_at', now, 'updated_at', now,
  'state', 'held', 'attempts', '0', 'letter', letter, 'reply', why)
redis.call('SADD', 'writ:delivery:case:' .. case_id, id)
redis.call('ZADD', 'writ:delivery:attention', now, id)
redis.call('XADD', 'writ:audit:' .. case_id, '*', 'stage', stage,
  'event', 'delivery', 'from', 'none', 'to', 'held',
  'note', 'letter ' .. id .. ' (' .. letter .. ') prepared: waits for a person')
return 1
