-- _stage_checks.lua -- what a stage's scripts check before they touch a
-- case (advance, verify, mark_review include it: lua_embed puts this
-- file where a script says "--@include _stage_checks.lua").

-- An audit entry on case id that changes nothing: event, from = to = st.
local function audit_unchanged(id, stage, worker, event, st, note)
  redis.call('XADD', 'writ:audit:'..id, '*', 'stage', stage,
    'worker', worker, 'event', event, 'from', st, 'to', st,
    'note', note)
end

-- Whether the record stored under key has the SHA-1 sha1.
local function record_is(key, sha1)
  return redis.sha1hex(redis.call('HGET', key, 'record') or '') == sha1
end

-- The case's state when it waits for this stage (expect_state); else nil
-- and the code to return: 2 no such case, 1 it moved on (a redelivery:
-- out of the stage's pending set, audited, nothing else changed).
local function waiting_state(id, stage, expect_state, worker)
  local pending = 'writ:pending:'..stage
  local st = redis.call('HGET', 'writ:case:'..id, 'state')
  if not st then redis.call('ZREM', pending, id) return nil, 2 end
  if st ~= expect_state then
    redis.call('ZREM', pending, id)
    audit_unchanged(id, stage, worker, 'redelivered', st,
      'already processed; nothing changed')
    return nil, 1
  end
  return st
end

-- True, with an audit entry 'refused' (why), when sha1 is given and the
-- record stored is not that one: a forged or stale copy is never acted on.
local function refused(id, stage, worker, st, sha1, why)
  if sha1 == '' or record_is('writ:case:'..id, sha1) then return false end
  audit_unchanged(id, stage, worker, 'refused', st, why)
  return true
end
