-- Stores the answer of a claimed run for the retention time. A run whose claim expired and was taken over by
-- another run stores nothing (the new owner answers for the key); a run whose claim merely expired still stores
-- its answer, since it did run.
-- KEYS[1] the key's record; ARGV[1] claim token, ARGV[2] request fingerprint, ARGV[3] answer, ARGV[4] retention ms
-- Returns 1 stored, 0 the key belongs to another run
local r = redis.call('HMGET', KEYS[1], 'fp', 'tok')
if r[1] and r[2] ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'fp', ARGV[2], 'a', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
