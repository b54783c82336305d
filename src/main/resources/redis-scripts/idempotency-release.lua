-- Gives up a claim without an answer, so a retry runs the operation again. Only the claim's own run may do so.
-- KEYS[1] the key's record; ARGV[1] claim token
-- Returns 1 released, 0 the key belongs to another run (or is gone)
if redis.call('HGET', KEYS[1], 'tok') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
