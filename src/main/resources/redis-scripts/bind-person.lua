-- Binds an insured person to an account: a person is bound to one account at a time, so this moves them from
-- whichever account held them (the caller proved the person by face, and ends that account's binding).
-- KEYS[1] the person's binding key; ARGV[1] account id
-- Returns the account that held the person at this moment ('' when none).
local current = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1])
return current or ''
