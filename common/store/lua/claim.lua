-- claim.lua -- the sweeper: claims up to max cases of a stage whose lease
-- expired, extends their lease and returns them (case_store_claim_expired).
--
-- ARGV[1]  stage
-- ARGV[2]  now            ms: leases up to now have expired
-- ARGV[3]  lease_until    ms: the new lease
-- ARGV[4]  max
--
-- Returns {id, record, id, record, ...}.
local stage, now, lease_until, max = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local ids = redis.call('ZRANGEBYSCORE', 'writ:pending:'..stage,
  '-inf', now, 'LIMIT', 0, tonumber(max))
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZADD', 'writ:pending:'..stage, lease_until, id)
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', 'writ:case:'..id, 'record') or ''
end
return out
