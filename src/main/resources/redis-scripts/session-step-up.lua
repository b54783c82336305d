-- Marks a live session freshly verified, keeping its TTL; never creates one: a session that ended between the
-- request's check and this write stays ended (an HSET alone would bring it back as a hash without a TTL).
-- KEYS[1] session key; ARGV[1] step-up until (ms)
-- Returns 1 marked, 0 the session has ended.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], 'su', ARGV[1])
return 1
