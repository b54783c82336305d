-- Opens a settlement for a visit, in one step under the pharmacy's hash tag (msgid-lib.lua is loaded in front of
-- this): the visit must be this terminal's and have no settlement yet; then the record is created (counted in the
-- pharmacy's day), with its national message id reserved and stored when it will be sent, and the visit is tied to
-- it. A record therefore exists exactly when its visit is tied to it; the caller has queued it for recovery before.
-- KEYS[1] the visit, KEYS[2] the new record, KEYS[3] the pharmacy's totals of the record's business day,
-- KEYS[4] the pharmacy's last message id position
-- ARGV[1] the terminal, ARGV[2] the settlement id, ARGV[3] TTL ms of record and totals, ARGV[4] now in epoch seconds,
-- or '' when no message id is needed yet (awaiting the resident), ARGV[5] the pharmacy's code,
-- ARGV[6..] the record's own field/value pairs (status among them); the visit's fields are copied in
-- Returns {'none'} (visit gone), {'other'} (another terminal's), {'taken', settlement id}, {'exists'} (id collision,
-- nothing written), else {'opened', field1, value1, ...}: the record.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'none'}
end
if redis.call('HGET', KEYS[1], 'term') ~= ARGV[1] then
  return {'other'}
end
local stl = redis.call('HGET', KEYS[1], 'stl')
if stl then
  return {'taken', stl}
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {'exists'}
end
-- The first write: if Redis refuses it (OOM), nothing at all is written.
redis.call('HSET', KEYS[1], 'stl', ARGV[2])
local names = {'term', 'fix', 'psn', 'acct', 'insutype', 'admdvs', 'cert'}
local visit = redis.call('HMGET', KEYS[1], unpack(names))
for i, name in ipairs(names) do
  if visit[i] then
    redis.call('HSET', KEYS[2], name, visit[i])
  end
end
for i = 6, #ARGV, 2 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
end
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[2], 'msgid', next_message_id(KEYS[4], ARGV[4], ARGV[5]))
end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
if redis.call('HGET', KEYS[2], 'status') == 'PENDING' then
  redis.call('HINCRBY', KEYS[3], 'open', 1)
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
end
local out = {'opened'}
for _, v in ipairs(redis.call('HGETALL', KEYS[2])) do
  out[#out + 1] = v
end
return out
