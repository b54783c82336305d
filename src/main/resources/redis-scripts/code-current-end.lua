-- Ends an account's live codes whose field (person|device) starts with ARGV[1] ('' for all of them): removes them
-- from the account's current-codes hash and returns them, so the caller deletes each live code (its own slot).
-- KEYS[1] the account's current-codes hash; ARGV[1] field prefix
local ended = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if string.sub(all[i], 1, #ARGV[1]) == ARGV[1] then
    redis.call('HDEL', KEYS[1], all[i])
    ended[#ended + 1] = all[i + 1]
  end
end
return ended
