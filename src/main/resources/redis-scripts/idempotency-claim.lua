-- Claims an Idempotency-Key for one run of its operation, or says why not.
-- KEYS[1] the key's record, a hash: fp = fingerprint of the request that claimed it; tok = the claim's token
-- while the first run is in flight; a = the stored answer once there is one
-- ARGV[1] this request's fingerprint, ARGV[2] a fresh claim token, ARGV[3] in-flight ms (a crashed run's claim
-- expires after this, so the key is not blocked forever)
-- Returns {'claimed'} (the caller runs the operation), {'done', answer}, {'running'} or {'reused'} (the key was
-- claimed by a different request)
local r = redis.call('HMGET', KEYS[1], 'fp', 'a')
if not r[1] then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'tok', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'claimed'}
end
if r[1] ~= ARGV[1] then
  return {'reused'}
end
if r[2] then
  return {'done', r[2]}
end
return {'running'}
