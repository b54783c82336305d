-- Sets KEYS[1] to ARGV[1] unless it exists, and returns the value it holds afterwards.
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])
