-- documents_put.lua -- a case's documents and their text, written
-- together (case_documents_put).
--
-- ARGV[1]  id
-- ARGV[2]  documents      JSON array, one object per document
-- ARGV[3]  text           the documents' text
local id, documents, text = ARGV[1], ARGV[2], ARGV[3]

redis.call('SET', 'writ:documents:'..id, documents)
redis.call('SET', 'writ:text:'..id, text)
return 0
