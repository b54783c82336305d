-- Library (loaded in front of msgid-next.lua and settlement-open.lua): reserving an institution's next national
-- message id. A (second, sequence) position strictly after the last one the institution was given, and never before
-- now, so ids never repeat, even when a gateway's clock steps back (the sequence goes on in the last second used) or
-- one second sees more than 9 999 messages (the next second is used). The id is the institution code (12) +
-- yyyyMMddHHmmss of that second in Asia/Shanghai (UTC+8, no daylight saving since 1991) + the 4-digit sequence.
-- key: the institution's last position, a hash {s = epoch second, n = sequence 1..9999}: permanent, two fields.

-- Civil date of a day count since 1970-01-01 (H. Hinnant's civil_from_days), in integer arithmetic.
local function civil_from_days(z)
  z = z + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then
    y = y + 1
  end
  return y, m, d
end

-- Reserves the next position after now (epoch seconds, the caller's clock) and answers the message id.
local function next_message_id(key, now, institution)
  local last = redis.call('HMGET', key, 's', 'n')
  local s, n = tonumber(now), 1
  if last[1] and tonumber(last[1]) >= s then
    s, n = tonumber(last[1]), tonumber(last[2]) + 1
    if n > 9999 then
      s, n = s + 1, 1
    end
  end
  redis.call('HSET', key, 's', string.format('%d', s), 'n', string.format('%d', n))
  local local_s = s + 8 * 3600
  local days = math.floor(local_s / 86400)
  local secs = local_s - days * 86400
  local y, m, d = civil_from_days(days)
  return institution .. string.format('%04d%02d%02d%02d%02d%02d%04d', y, m, d, math.floor(secs / 3600),
      math.floor(secs % 3600 / 60), secs % 60, n)
end
