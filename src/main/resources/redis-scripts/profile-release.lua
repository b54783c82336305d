-- Forgets the account's person, only while it is still that person: a late release must not wipe a binding the
-- account made since. The /me copy of that person goes with it.
-- KEYS[1] the account's profile (hash); ARGV[1] psn
-- Returns 1 released, 0 the account holds someone else (or nobody).
if redis.call('HGET', KEYS[1], 'psn') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'psn', 'boundAt', 'meCopy')
  redis.call('HINCRBY', KEYS[1], 'meGen', 1)
  return 1
end
return 0
