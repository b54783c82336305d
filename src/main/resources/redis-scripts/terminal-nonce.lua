-- A correctly signed terminal request's one Redis step: the nonce must be fresh, and the terminal's and its
-- pharmacy's budgets must allow one more (buckets_take, token-bucket.lua); then the nonce is recorded. Every key
-- has the pharmacy's tag. A replay spends nothing; a refused request does not use up its nonce.
-- KEYS[1] nonce key, KEYS[2] the terminal's bucket, KEYS[3] the pharmacy's bucket
-- ARGV[1] nonce TTL ms, ARGV[2] terminal limit, ARGV[3] its window ms, ARGV[4] pharmacy limit, ARGV[5] its window ms
-- Returns {'FRESH', 0}, {'REPLAY', 0} or {'RATE_LIMITED', retry-after ms}
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {'REPLAY', 0}
end
local allowed, retry = buckets_take({{KEYS[2], tonumber(ARGV[2]), tonumber(ARGV[3]), false},
  {KEYS[3], tonumber(ARGV[4]), tonumber(ARGV[5]), false}}, bucket_now())
if allowed == 0 then
  return {'RATE_LIMITED', retry}
end
redis.call('SET', KEYS[1], '1', 'PX', tonumber(ARGV[1]))
return {'FRESH', 0}
