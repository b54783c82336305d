-- Binds an insured person to an account: a person is bound to one account at a time.
-- KEYS[1] the person's binding key; ARGV[1] account id, ARGV[2] "1" to take the person over from another account
-- Returns {status, previous account}: status 1 bound (or already ours), 0 bound elsewhere and not taken over
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] and ARGV[2] ~= '1' then
  return {0, current}
end
redis.call('SET', KEYS[1], ARGV[1])
return {1, current or ''}
