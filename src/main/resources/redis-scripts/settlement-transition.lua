-- Moves a settlement record from one status to another, only if it is still in the expected one (compare-and-set),
-- and keeps its pharmacy's day totals in the same step, so a status and the sums it changes are never apart.
-- Counted in the sums: SETTLED and CANCELLING (settled at the core until the cancel is known), with the amounts the
-- record holds (amtMedfee, amtFund, amtAcct, amtCash: passed with the move into SETTLED). Counted as open
-- (unresolved): PENDING, REVERSING, CANCELLING.
-- KEYS[1] the record, KEYS[2] the pharmacy's totals of the record's business day (bizDate)
-- ARGV[1] expected status, ARGV[2] new status, ARGV[3] totals TTL ms, ARGV[4..] extra field/value pairs
-- Returns {1 when moved else 0, field1, value1, ...}: the record as it stands afterwards (no fields when gone).
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

local moved = 0
if redis.call('HGET', KEYS[1], 'status') == from then
  local day = ':' .. redis.call('HGET', KEYS[1], 'bizDate')
  if string.sub(KEYS[2], -#day) ~= day then
    return redis.error_reply('totals key is not the day of the record')
  end
  if counted[from] and not counted[to] then
    add(-1)
  end
  redis.call('HSET', KEYS[1], 'status', to)
  for i = 4, #ARGV, 2 do
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
  if counted[to] and not counted[from] then
    add(1)
  end
  if open[from] and not open[to] then
    redis.call('HINCRBY', KEYS[2], 'open', -1)
  elseif open[to] and not open[from] then
    redis.call('HINCRBY', KEYS[2], 'open', 1)
  end
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  moved = 1
end
local out = {moved}
for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do
  out[#out + 1] = v
end
return out
