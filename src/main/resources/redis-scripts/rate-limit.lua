-- Spends from one or more budgets of the same subject at once, all or nothing (buckets_take, token-bucket.lua).
-- KEYS[i] a bucket key (all of one hash tag)
-- ARGV[3i-2] its limit, ARGV[3i-1] its window in ms, ARGV[3i] "1" to only look (would one more be allowed?)
-- Returns {allowed (1|0), retry-after ms (0 when allowed), remaining}
local specs = {}
for i, key in ipairs(KEYS) do
  specs[i] = {key, tonumber(ARGV[3 * i - 2]), tonumber(ARGV[3 * i - 1]), ARGV[3 * i] == '1'}
end
local allowed, retry, remaining = buckets_take(specs, bucket_now())
return {allowed, retry, remaining}
