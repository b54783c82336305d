-- Moves a settlement record from one status to another, only if it is still in the expected one (transition-lib's
-- compare-and-set), and keeps its pharmacy's day totals in the same step, so a status and the sums it changes are
-- never apart.
-- Counted in the sums: SETTLED and CANCELLING (settled at the core until the cancel is known), with the amounts the
-- record holds (amtMedfee, amtFund, amtAcct, amtCash: passed with the move into SETTLED). Counted as open
-- (unresolved): PENDING, REVERSING, CANCELLING.
-- KEYS[1] the record, KEYS[2] the pharmacy's totals of the record's business day (bizDate)
-- ARGV[1] expected status, ARGV[2] new status, ARGV[3] totals TTL ms, ARGV[4..] extra field/value pairs
-- Returns transition-lib's reply: {1 when moved else 0, the record as it stands afterwards as field/value pairs}.
local counted = {SETTLED = true, CANCELLING = true}
local open = {PENDING = true, REVERSING = true, CANCELLING = true}
local from, to = ARGV[1], ARGV[2]

local function add(sign)
  local amounts = redis.call('HMGET', KEYS[1], 'amtMedfee', 'amtFund', 'amtAcct', 'amtCash')
  redis.call('HINCRBY', KEYS[2], 'count', sign)
  for i, field in ipairs({'medfee', 'fund', 'acct', 'cash'}) do
    local amount = amounts[i]
    if amount and amount ~= '0' then
      redis.call('HINCRBY', KEYS[2], field, sign < 0 and ('-' .. amount) or amount)
    end
  end
end

-- The totals must be of the record's day: checked before anything moves, so a wrong key changes nothing.
local bizDate = redis.call('HGET', KEYS[1], 'bizDate')
if bizDate and string.sub(KEYS[2], -(#bizDate + 1)) ~= ':' .. bizDate then
  return redis.error_reply('totals key is not the day of the record')
end

return transition(KEYS[1], from, to, ARGV, 4, {
  before = function()
    if counted[from] and not counted[to] then
      add(-1)
    end
  end,
  after = function()
    if counted[to] and not counted[from] then
      add(1)
    end
    if open[from] and not open[to] then
      redis.call('HINCRBY', KEYS[2], 'open', -1)
    elseif open[to] and not open[from] then
      redis.call('HINCRBY', KEYS[2], 'open', 1)
    end
    redis.call('PEXPIRE', KEYS[2], ARGV[3])
  end
})
