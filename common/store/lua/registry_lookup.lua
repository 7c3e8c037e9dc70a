-- registry_lookup.lua -- any number of accounts in one round trip
-- (registry_lookup): the registry version, then for each account its
-- registration and its tenant's.
--
-- ARGV[1..] accounts      (lower case)
--
-- Returns {version, then for each account: region, 'y' registered | 'n',
-- tenant, customer_type, country, tenant name, admin_contact} ("" for
-- what is missing); version "0" before the first import.
local accounts = ARGV

local out = { redis.call('GET', 'writ:registry:version') or '0' }
for _, acct in ipairs(accounts) do
  local f = redis.call('HMGET', 'writ:registry:acct:'..acct, 'region',
    'tenant', 'customer_type', 'country')
  local t = { false, false }
  if f[1] and f[2] and f[2] ~= '' then
    t = redis.call('HMGET', 'writ:registry:tenant:'..f[2], 'name',
      'admin_contact')
  end
  out[#out + 1] = f[1] or ''
  out[#out + 1] = f[1] and 'y' or 'n'
  out[#out + 1] = f[2] or ''
  out[#out + 1] = f[3] or ''
  out[#out + 1] = f[4] or ''
  out[#out + 1] = t[1] or ''
  out[#out + 1] = t[2] or ''
end
return out
