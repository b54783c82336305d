-- Keeps a fresh copy of the person view /me shows, only if nothing changed what it shows since the request's session
-- check read the profile: the copy generation is still the one read and the account still holds that person. A
-- read that raced a settlement (or a binding) is not kept, so a copy is never older than the last change.
-- KEYS[1] the account's profile (hash); ARGV[1] the generation read, ARGV[2] psn, ARGV[3] the copy (JSON)
-- Returns 1 kept, 0 something changed meanwhile.
if (redis.call('HGET', KEYS[1], 'meGen') or '0') == ARGV[1] and redis.call('HGET', KEYS[1], 'psn') == ARGV[2] then
  redis.call('HSET', KEYS[1], 'meCopy', ARGV[3])
  return 1
end
return 0
