-- delivery_committing.lua -- the end of the data is about to go out
-- (delivery_store_committing): from here a crash means "may have been
-- sent", never "send again".
--
-- ARGV[1]  id
-- ARGV[2]  worker         only the claiming worker moves it
-- ARGV[3]  now            ms
-- ARGV[4]  lease_ms
--
-- Returns 1, or 0 when the delivery is not this worker's "sending".
local id, worker, now, lease_ms = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local k = 'writ:delivery:' .. id
if redis.call('HGET', k, 'state') ~= 'sending'
   or redis.call('HGET', k, 'worker') ~= worker then return 0 end
redis.call('HSET', k, 'state', 'committing', 'updated_at', now,
  'lease_until', tonumber(now) + tonumber(lease_ms))
return 1
