#!lua name=rtgw

-- Realtime Gateway publish library, version __VERSION__.
-- Every gateway node loads it (FUNCTION LOAD REPLACE) on connect, reconnect and topology
-- change, on every master, with the settings below baked in from that node's configuration:
-- apps that FCALL rtgw_publish pass only event, data and an optional idempotency key.
-- Keys of one channel share the hash tag {<tenant>:<channel>}, so they live in one slot:
--   <key>     pub/sub channel of apps' live-only PUBLISH: any bytes, delivered verbatim as data
--   <key>:e   pub/sub channel of this library's envelopes, and nothing else (docs/protocol.md §6):
--             a plain PUBLISH to <key> can never be taken for one. <key> ends in '}', so no
--             channel's <key> ends in ':e', and the hash tag keeps both in one Cluster slot.
--   <key>:m   hash {e = epoch, o = last offset}: the position, which outlives the history
--   <key>:s   stream of the history, entry id <offset>-0
--   <key>:i:K idempotency key K -> the id it was first published with

local VERSION = '__VERSION__'
local PREFIX = '__PREFIX__'
local DEFAULT_SIZE = __DEFAULT_SIZE__
local DEFAULT_TTL_MS = __DEFAULT_TTL_MS__
local NAMESPACES = {__NAMESPACES__}
local META_TTL_MS = __META_TTL_MS__
local IDEMPOTENCY_TTL_MS = __IDEMPOTENCY_TTL_MS__
local PUBLISH = '__PUBLISH__'
local NUMSUB = '__NUMSUB__'
-- The envelope's format; 0xFF never occurs in UTF-8 text.
local MARKER = '\255rtgw2\n'
-- Version 1 of this library published its envelopes, so marked, on <key> itself; nodes of that
-- version still read them there. Nodes of this version subscribe to both <key> and <key>:e and
-- drop payloads so marked on <key>.
local LEGACY_MARKER = '\255rtgw1\n'
local DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz'

local function num(n)
  return string.format('%.0f', n)
end

local function now_micros()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

local function base36(n)
  local s = ''
  repeat
    local d = n % 36
    s = string.sub(DIGITS, d + 1, d + 1) .. s
    n = math.floor(n / 36)
  until n == 0
  return s
end

-- Time-based, so a reset never brings back an epoch clients may still hold.
local function new_epoch(micros)
  return base36(micros) .. base36(math.random(0, 1295))
end

local function channel_of(key)
  local head = PREFIX .. ':{'
  if string.sub(key, 1, #head) ~= head or string.sub(key, -1) ~= '}' then
    return nil
  end
  local inner = string.sub(key, #head + 1, -2)
  local colon = string.find(inner, ':', 1, true)
  if not colon then
    return nil
  end
  local tenant = string.sub(inner, 1, colon - 1)
  local channel = string.sub(inner, colon + 1)
  if #tenant < 1 or #tenant > 64 or string.find(tenant, '[^%w_%-]') then
    return nil
  end
  if #channel < 1 or #channel > 200 or string.find(channel, '[^%w_%-%.:@=|+]') then
    return nil
  end
  return channel
end

local function bad_key()
  return redis.error_reply('ERR rtgw: the key must be ' .. PREFIX .. ':{<tenant>:<channel>}')
end

local function policy(channel, size_arg, ttl_arg)
  if size_arg and size_arg ~= '' and ttl_arg and ttl_arg ~= '' then
    return tonumber(size_arg), tonumber(ttl_arg)
  end
  local colon = string.find(channel, ':', 1, true)
  local ns = colon and string.sub(channel, 1, colon - 1) or ''
  local p = NAMESPACES[ns]
  if p then
    return p[1], p[2]
  end
  return DEFAULT_SIZE, DEFAULT_TTL_MS
end

local function field(entry, name)
  local kv = entry[2]
  for i = 1, #kv, 2 do
    if kv[i] == name then
      return kv[i + 1]
    end
  end
  return nil
end

local function reset_epoch(key, now)
  local epoch = new_epoch(now)
  -- entries of the old epoch must never be replayed under the new one
  redis.call('DEL', key .. ':s')
  redis.call('HSET', key .. ':m', 'e', epoch)
  return epoch
end

-- The channel's epoch and last offset, creating the epoch (offset 0) for a channel never seen.
local function position(key, now)
  local m = redis.call('HMGET', key .. ':m', 'e', 'o')
  local epoch, top = m[1], tonumber(m[2]) or 0
  if not epoch then
    epoch = reset_epoch(key, now)
    top = 0
    redis.call('HSET', key .. ':m', 'o', 0)
  end
  redis.call('PEXPIRE', key .. ':m', META_TTL_MS)
  return epoch, top
end

-- Bounded work per call: at most 64 entries looked at; the rest go on the next publish, and
-- readers never rely on trimming (they check age and length themselves). Most publishes find
-- nothing to trim, so the oldest entry alone is looked at first: copying 64 entries into Lua on
-- every publish was most of what a publish cost Redis.
local function trim_by_age(stream, cutoff)
  local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
  if #first == 0 or tonumber(field(first[1], 'time')) >= cutoff then
    return
  end
  local oldest = redis.call('XRANGE', stream, '-', '+', 'COUNT', 64)
  local keep = nil
  for _, entry in ipairs(oldest) do
    if tonumber(field(entry, 'time')) >= cutoff then
      keep = entry[1]
      break
    end
  end
  if not keep then
    keep = num(tonumber(string.match(oldest[#oldest][1], '^(%d+)')) + 1) .. '-0'
  end
  redis.call('XTRIM', stream, 'MINID', keep)
end

-- Whether someone holds <key> without <key>:e: one PUBSUB call for both (both in one slot).
local function legacy_listener(key)
  local n = redis.call('PUBSUB', NUMSUB, key, key .. ':e')
  return (tonumber(n[2]) or 0) > (tonumber(n[4]) or 0)
end

local function publish(keys, args)
  local key = keys[1]
  local channel = key and channel_of(key)
  if not channel then
    return bad_key()
  end
  local event, data, idem = args[1], args[2], args[3]
  if not data then
    return redis.error_reply('ERR rtgw: usage FCALL rtgw_publish 1 <key> <event> <json-data> [<idempotency-key>]')
  end
  if event == '' then
    event = 'message'
  end
  if #event > 128 or string.find(event, '%c') or string.sub(event, 1, 5) == 'rtgw.' then
    return redis.error_reply('ERR rtgw: event must be 1-128 characters without control characters, not starting with rtgw.')
  end
  if not pcall(cjson.decode, data) then
    return redis.error_reply('ERR rtgw: data is not valid JSON')
  end
  local size, ttl = policy(channel, args[4], args[5])
  local idem_key = nil
  if idem and idem ~= '' then
    if #idem > 256 then
      return redis.error_reply('ERR rtgw: idempotency key longer than 256 bytes')
    end
    idem_key = key .. ':i:' .. idem
    local first = redis.call('GET', idem_key)
    if first then
      return first
    end
  end
  local now = now_micros()
  local epoch, top = position(key, now)
  local stream = key .. ':s'
  local offset = redis.call('HINCRBY', key .. ':m', 'o', 1)
  if size > 0 then
    local added = redis.pcall('XADD', stream, 'MAXLEN', '~', size, num(offset) .. '-0',
      'offset', num(offset), 'event', event, 'data', data, 'time', num(now))
    if type(added) == 'table' and added.err then
      if not string.find(added.err, 'equal or smaller', 1, true) then
        return added
      end
      -- the stream is ahead of the position (the position was lost or rolled back): its
      -- entries no longer match the ids clients hold, so they go with a new epoch
      epoch = reset_epoch(key, now)
      redis.call('XADD', stream, 'MAXLEN', '~', size, num(offset) .. '-0',
        'offset', num(offset), 'event', event, 'data', data, 'time', num(now))
    end
    trim_by_age(stream, now - ttl * 1000)
    redis.call('PEXPIRE', stream, ttl)
  end
  local id = num(offset) .. '.' .. epoch
  if idem_key then
    redis.call('SET', idem_key, id, 'PX', IDEMPOTENCY_TTL_MS)
  end
  local body = num(offset) .. '\n' .. epoch .. '\n' .. num(now) .. '\n' .. event .. '\n' .. data
  redis.call(PUBLISH, key .. ':e', MARKER .. body)
  if legacy_listener(key) then
    -- someone holds <key> without <key>:e: a node of version 1 during a rolling upgrade
    redis.call(PUBLISH, key, LEGACY_MARKER .. body)
  end
  return id
end

-- ARGV: since-epoch ('' for none), since-offset, limit, [size, ttl-ms]
-- Reply: {epoch, top-offset, recovered (1/0), entries}; entries empty unless recovered.
local function history(keys, args)
  local key = keys[1]
  local channel = key and channel_of(key)
  if not channel then
    return bad_key()
  end
  local since_epoch, since, limit = args[1] or '', tonumber(args[2]) or 0, tonumber(args[3]) or 0
  local size, ttl = policy(channel, args[4], args[5])
  local now = now_micros()
  local epoch, top = position(key, now)
  if since_epoch == '' then
    return {epoch, top, 1, {}}
  end
  if since_epoch ~= epoch or since > top then
    return {epoch, top, 0, {}}
  end
  if since == top then
    return {epoch, top, 1, {}}
  end
  -- MAXLEN ~ keeps more than size; the window clients see is exact
  if since < top - size then
    return {epoch, top, 0, {}}
  end
  local first = num(since + 1) .. '-0'
  local entries = redis.call('XRANGE', key .. ':s', first, '+', 'COUNT', math.max(limit, 1))
  if #entries == 0 or entries[1][1] ~= first or tonumber(field(entries[1], 'time')) < now - ttl * 1000 then
    return {epoch, top, 0, {}}
  end
  if limit <= 0 then
    entries = {}
  end
  return {epoch, top, 1, entries}
end

-- ARGV: the epoch the caller saw. Starts a new epoch only if that one is still current, so
-- several nodes noticing the same rollback move the channel on once.
local function bump_epoch(keys, args)
  local key = keys[1]
  if not (key and channel_of(key)) then
    return bad_key()
  end
  local now = now_micros()
  local epoch, top = position(key, now)
  if epoch == args[1] then
    epoch = reset_epoch(key, now)
  end
  return {epoch, top}
end

redis.register_function('rtgw_publish', publish)
redis.register_function('rtgw_history', history)
redis.register_function('rtgw_bump_epoch', bump_epoch)
redis.register_function{function_name = 'rtgw_version', callback = function() return VERSION end, flags = {'no-writes'}}
