-- create.lua -- a new case from intake, all or nothing (case_store_create):
-- the case hash, its raw bytes, the dedupe key, writ:cases, the audit
-- entry, the hand-off to the next stage, the casework search indexes and,
-- for a preservation request renewing an earlier one, that case's
-- extended preservation. Or the existing case for the same message.
--
-- ARGV[1]  id             the new case's id
-- ARGV[2]  dedupe_key     writ:msgid:{message-id}, or writ:sha256:{hex}
-- ARGV[3]  record         the encoded case record
-- ARGV[4]  raw            the original message, byte-exact
-- ARGV[5]  sha256         hex of raw
-- ARGV[6]  message_id     "" when none
-- ARGV[7]  now            ms
-- ARGV[8]  state          the case's first state
-- ARGV[9]  next_stage     the stage to hand it to, "" for none
-- ARGV[10] lease_until    ms: the next stage's lease
-- ARGV[11] worker         intake's worker id
-- ARGV[12] note           audit note (no personal data)
-- ARGV[13] review_reason
-- ARGV[14] size           bytes of raw
-- ARGV[15] max_pending    refuse when next_stage has this many waiting (0: no limit)
-- ARGV[16] envelope       "from=<..> to=<..>"
-- ARGV[17] duplicate_of   the case whose Message-ID this reuses, or ""
-- ARGV[18] stage          intake's stage name (the audit entries' stage)
-- ARGV[19] index          casework_index_payload: agency, reference,
--                         preservation day ("" unless a preservation
--                         request), "1" when dated, accounts; each ends "\n"
--
-- Returns {0, id} created, {1, existing} the same message again, {2, ""}
-- the backlog limit, {3, existing} the Message-ID names other bytes.
local id, dedupe_key, record, raw = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local sha256, message_id, now, state = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local next_stage, lease_until, worker = ARGV[9], ARGV[10], ARGV[11]
local note, review_reason, size = ARGV[12], ARGV[13], ARGV[14]
local max_pending, envelope, duplicate_of = ARGV[15], ARGV[16], ARGV[17]
local stage, index = ARGV[18], ARGV[19]

local existing = redis.call('GET', dedupe_key)
if existing then
  local sha = redis.call('HGET', 'writ:case:'..existing, 'sha256')
  if sha and sha ~= sha256 then return {3, existing} end
  redis.call('XADD', 'writ:audit:'..existing, '*', 'stage', stage,
    'worker', worker, 'event', 'redelivered', 'from', '', 'to', '',
    'note', 'the same message was delivered again')
  return {1, existing}
end
local key = 'writ:case:'..id
if redis.call('EXISTS', key) == 1 then return {1, id} end
if next_stage ~= '' and tonumber(max_pending) > 0 and
   redis.call('ZCARD', 'writ:pending:'..next_stage) >= tonumber(max_pending) then
  return {2, ''}
end
redis.call('SET', dedupe_key, id)
redis.call('HSET', key, 'id', id, 'state', state,
  'message_id', message_id, 'sha256', sha256, 'received_at', now,
  'updated_at', now, 'size', size, 'record', record,
  'review_reason', review_reason, 'challenge', '0', 'envelope', envelope)
if duplicate_of ~= '' then
  redis.call('HSET', key, 'duplicate_of', duplicate_of)
  redis.call('XADD', 'writ:audit:'..duplicate_of, '*', 'stage', stage,
    'worker', worker, 'event', 'related', 'from', '', 'to', '',
    'note', 'same Message-ID, different content: case '..id)
end
redis.call('SET', 'writ:raw:'..id, raw)
redis.call('ZADD', 'writ:cases', now, id)
redis.call('XADD', 'writ:audit:'..id, '*', 'stage', stage,
  'worker', worker, 'event', 'created', 'from', '', 'to', state,
  'note', note)
if next_stage ~= '' then
  redis.call('ZADD', 'writ:pending:'..next_stage, lease_until, id)
end

-- The casework indexes (casework_store.h) and a preservation renewal:
-- a preservation request that renews an earlier one (same reference, else
-- same account and agency, not yet renewed and not expired) extends the
-- earlier case's preservation by 90 days (18 U.S.C. 2703(f)(2)) instead
-- of starting a second clock.
local ixf = {}
for v in string.gmatch(index, '([^\n]*)\n') do ixf[#ixf + 1] = v end
local agency, reference, preserve_day, dated = ixf[1], ixf[2], ixf[3], ixf[4]
redis.call('SADD', 'writ:idx:state:'..state, id)
if (agency or '') ~= '' then redis.call('SADD', 'writ:idx:agency:'..agency, id) end
if (reference or '') ~= '' then redis.call('SADD', 'writ:idx:ref:'..reference, id) end
if dated == '1' then redis.call('SADD', 'writ:idx:dated', id) end
for i = 5, #ixf do redis.call('SADD', 'writ:idx:account:'..ixf[i], id) end
if (preserve_day or '') ~= '' then
  local today = math.floor(tonumber(now) / 86400000)
  local cands = {}
  if reference ~= '' then cands = redis.call('SMEMBERS', 'writ:idx:ref:'..reference)
  elseif ixf[5] then cands = redis.call('SMEMBERS', 'writ:idx:account:'..ixf[5]) end
  local renews = nil
  for _, other in ipairs(cands) do
    if other ~= id and not renews then
      local o = redis.call('HMGET', 'writ:case:'..other, 'preserve_day', 'preserve_renewed_by')
      if o[1] and not o[2] and tonumber(o[1]) >= today and (reference ~= '' or agency == ''
          or redis.call('SISMEMBER', 'writ:idx:agency:'..agency, other) == 1) then
        renews = other
      end
    end
  end
  if renews then
    local okey = 'writ:case:'..renews
    local day = tonumber(redis.call('HGET', okey, 'preserve_day')) + 90
    redis.call('HSET', okey, 'preserve_day', day, 'preserve_renewed_by', id,
      'updated_at', now)
    redis.call('HSET', key, 'renews', renews)
    redis.call('SADD', 'writ:idx:dated', renews)
    redis.call('XADD', 'writ:audit:'..renews, '*', 'stage', stage,
      'worker', worker, 'event', 'renewed', 'from', '', 'to', '',
      'note', 'preservation extended by 90 days (18 U.S.C. 2703(f)(2)) '..
      'on the renewed request, case '..id)
  else
    redis.call('HSET', key, 'preserve_day', preserve_day)
  end
end
return {0, id}
