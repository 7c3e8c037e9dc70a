-- purge.lua -- removes a case's original message and text once retention
-- allows it (retention_purge): the rules of retention_judge again, inside
-- Redis, since between the operator's listing and the purge a case may
-- have been held or reopened. Record, sha256, size and audit stay.
--
-- ARGV[1]  id
-- ARGV[2]  cutoff         ms: only cases last changed before it
-- ARGV[3]  now            ms
-- ARGV[4]  operator
-- ARGV[5]  note
-- ARGV[6]  stage          the audit entry's stage (writctl)
-- ARGV[7..] the final states (only a case in one of them is purged)
--
-- Returns 0 purged, 1 already purged, 2 no such case, 3 on legal hold,
-- 4 not final, 5 too recent.
local id, cutoff, now, operator = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local note, stage = ARGV[5], ARGV[6]
local FINAL_FIRST = 7

local key = 'writ:case:'..id
local f = redis.call('HMGET', key, 'state', 'updated_at', 'hold', 'purged_at')
if not f[1] then return 2 end
if f[4] and f[4] ~= '' then return 1 end
if f[3] and f[3] ~= '' then return 3 end
local final = false
for i = FINAL_FIRST, #ARGV do if f[1] == ARGV[i] then final = true end end
if not final then return 4 end
if tonumber(f[2] or '0') > tonumber(cutoff) then return 5 end
redis.call('DEL', 'writ:raw:'..id, 'writ:text:'..id)
redis.call('HSET', key, 'purged_at', now, 'purged_by', operator)
redis.call('XADD', 'writ:audit:'..id, '*', 'stage', stage,
  'worker', operator, 'event', 'purged', 'from', f[1], 'to', f[1],
  'note', note)
return 0
