-- Sets KEYS[1] to ARGV[1] unless it exists (for ARGV[2] ms; '' for no TTL), and returns the value it holds
-- afterwards: this caller's, or the one that was there.
if ARGV[2] == '' then
  redis.call('SET', KEYS[1], ARGV[1], 'NX')
else
  redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
end
return redis.call('GET', KEYS[1])
