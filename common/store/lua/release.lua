-- release.lua -- a held notice released once its gag ended
-- (case_store_release_held): the new record, state and review reason
-- (the record's: a released withheld notice ends the review it caused),
-- the member leaves writ:held, an audit entry "released" naming the
-- account.
--
-- ARGV[1]  id
-- ARGV[2]  member         "{id} {account}" in writ:held
-- ARGV[3]  new_state
-- ARGV[4]  record
-- ARGV[5]  now            ms
-- ARGV[6]  worker
-- ARGV[7]  note
-- ARGV[8]  challenge      "1" when a challenge is recommended
-- ARGV[9]  review_reason
-- ARGV[10] stage          the releasing stage's name (the audit entry's)
--
-- Returns 0, or 1 when the member was already released.
local id, member, new_state, record = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now, worker, note, challenge = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local review_reason, stage = ARGV[9], ARGV[10]

if not redis.call('ZSCORE', 'writ:held', member) then return 1 end
local key = 'writ:case:'..id
local st = redis.call('HGET', key, 'state') or ''
-- A case a person closed or set waiting stays so (casework.h).
local to = new_state
if st == 'closed' or st == 'waiting' then to = st end
redis.call('HSET', key, 'state', to, 'record', record,
  'updated_at', now, 'challenge', challenge, 'review_reason', review_reason)
if st ~= to then
  redis.call('SREM', 'writ:idx:state:'..st, id)
  redis.call('SADD', 'writ:idx:state:'..to, id)
end
redis.call('ZREM', 'writ:held', member)
redis.call('XADD', 'writ:audit:'..id, '*', 'stage', stage,
  'worker', worker, 'event', 'released', 'from', st, 'to', to,
  'account', string.sub(member, #id + 2), 'note', note)
return 0
