-- Keeps a person's contribution hold for its order (a payment in progress, or made and not yet recorded) for
-- ARGV[2] ms: while the order holds the person, or taking the hold again when it ran out; never from another order.
-- KEYS[1] the hold; ARGV[1] order id, ARGV[2] TTL ms. Returns 1 when the order holds the person, 0 when another does.
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
