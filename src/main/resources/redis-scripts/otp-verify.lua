-- Checks a one-time code atomically. The stored value is an HMAC of the code, so comparing here leaks nothing
-- useful about the code itself.
-- KEYS[1] code key (hash: h = code hash, t = wrong tries)
-- ARGV[1] presented code hash, ARGV[2] max tries
-- Returns 1 ok (the code is consumed), 0 wrong (tries left), -1 none or expired, -2 wrong and now dead
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
local tries = redis.call('HINCRBY', KEYS[1], 't', 1)
if tries >= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  return -2
end
return 0
