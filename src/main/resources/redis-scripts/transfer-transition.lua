-- Moves a wallet transfer from one status to another, only if it is still in the expected one; a transfer that
-- moved nothing (FAILED) gives its slot of the day's count back in the same step, so a slot is given back once.
-- KEYS[1] the transfer, KEYS[2] the count of its day; ARGV[1] expected status, ARGV[2] new status,
-- ARGV[3] '1' to give the slot back, ARGV[4..] extra field/value pairs
-- Returns transition-lib's reply: {1 when moved else 0, the transfer as it stands afterwards as field/value pairs}.
local effects = nil
if ARGV[3] == '1' then
  effects = {
    before = function() end,
    after = function()
      if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then
        redis.call('DECR', KEYS[2])
      end
    end
  }
end
return transition(KEYS[1], ARGV[1], ARGV[2], ARGV, 4, effects)
