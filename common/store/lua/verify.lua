-- verify.lua -- before a stage acts on a job: is the job's record the one
-- Redis holds for its case? What travels on the bus is only a copy
-- (case_store_verify_batch). A case that moved on is a redelivery
-- (cleared from the stage's pending set, as advance.lua does); a record
-- that differs is refused and audited, the case left as it is: its lease
-- expires and the sweeper re-sends the stored record.
--
-- ARGV[1]  id
-- ARGV[2]  stage
-- ARGV[3]  expect_state   the stage's input state
-- ARGV[4]  record_sha1    sha1 of the job's record
-- ARGV[5]  worker
--
-- Returns 0 the stored record, waiting for this stage; 1 moved on; 2 no
-- such case; 4 the record differs.
local id, stage, expect_state, record_sha1, worker =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
--@include _stage_checks.lua

local key = 'writ:case:'..id
local st, moved = waiting_state(id, stage, expect_state, worker)
if not st then return moved end
if not record_is(key, record_sha1) then
  audit_unchanged(id, stage, worker, 'refused', st,
    'a job carried a record that is not the one stored: not acted on')
  return 4
end
return 0
