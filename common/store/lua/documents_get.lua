-- documents_get.lua -- a case's documents and their text, read together
-- (case_documents_get).
--
-- ARGV[1]  id
--
-- Returns {documents or nil, text or nil}.
local id = ARGV[1]

return { redis.call('GET', 'writ:documents:'..id),
         redis.call('GET', 'writ:text:'..id) }
