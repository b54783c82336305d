-- Records the person an account now holds, in one step, and returns the one it held before (to be released).
-- KEYS[1] the account's profile (hash); ARGV[1] psn, ARGV[2] bound at (ms)
-- Returns the previous psn, or false when the account held nobody.
local previous = redis.call('HGET', KEYS[1], 'psn')
redis.call('HSET', KEYS[1], 'psn', ARGV[1], 'boundAt', ARGV[2])
return previous
