-- Records the person an account now holds, in one step, and returns the one it held before (to be released).
-- The /me copy ends with the binding it was read under (a new generation; the old copy goes).
-- KEYS[1] the account's profile (hash); ARGV[1] psn, ARGV[2] bound at (ms)
-- Returns the previous psn, or false when the account held nobody.
local previous = redis.call('HGET', KEYS[1], 'psn')
redis.call('HSET', KEYS[1], 'psn', ARGV[1], 'boundAt', ARGV[2])
redis.call('HDEL', KEYS[1], 'meCopy')
redis.call('HINCRBY', KEYS[1], 'meGen', 1)
return previous
