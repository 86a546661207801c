/**
 * Lua for {@link RedisStore}. Each script runs atomically on one node and touches keys of a
 * single Cluster slot: either one key, or keys sharing the account's `{a:<id>}` hash tag.
 * Session keys are derived inside a script from a key prefix passed in ARGV (the session ids
 * are only known from the ZSET); they carry the same hash tag, so they sit in the same slot.
 *
 * Security: the atomicity here is what makes single-use tokens single-use, keeps the session
 * cap from being overshot by racing sign-ins, and stops lost updates on accounts. Don't split
 * a script into separate commands.
 */

/** KEYS: sessions zset, new session. ARGV: id, json, ttlMs, createdAt, maxSessions, session key prefix. */
export const CREATE_SESSION = `
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ttl)
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
local live = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if id == ARGV[1] or redis.call('EXISTS', ARGV[6] .. id) == 1 then live[#live + 1] = id
  else redis.call('ZREM', KEYS[1], id) end
end
local evicted = {}
local excess = #live - tonumber(ARGV[5])
if tonumber(ARGV[5]) > 0 then
  for _, id in ipairs(live) do
    if excess <= 0 then break end
    if id ~= ARGV[1] then
      redis.call('DEL', ARGV[6] .. id)
      redis.call('ZREM', KEYS[1], id)
      evicted[#evicted + 1] = id
      excess = excess - 1
    end
  end
end
return evicted`

/** KEYS: sessions zset. ARGV: session key prefix. Returns live session JSONs, oldest first. */
export const LIST_SESSIONS = `
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local v = redis.call('GET', ARGV[1] .. id)
  if v then out[#out + 1] = v else redis.call('ZREM', KEYS[1], id) end
end
return out`

/** KEYS: sessions zset, session. ARGV: json, ttlMs, createdAt, id. */
export const REPLACE_SESSION = `
if not redis.call('SET', KEYS[2], ARGV[1], 'XX', 'PX', ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`

/** KEYS: sessions zset, session. ARGV: id. */
export const DELETE_SESSION = `
local n = redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
return n`

/** KEYS: sessions zset. ARGV: session key prefix, id to keep ('' = none). Returns deleted ids. */
export const DELETE_SESSIONS = `
local deleted = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if id ~= ARGV[2] then
    if redis.call('DEL', ARGV[1] .. id) == 1 then deleted[#deleted + 1] = id end
    redis.call('ZREM', KEYS[1], id)
  end
end
return deleted`

/**
 * KEYS: account, sessions zset, tokens, claim lock, identities, then keys deleted whole (log
 * lanes, identity write counts). ARGV: session key prefix.
 * Returns {old account JSON ('' = none), identity JSONs...}: the identities read in the same
 * step as the delete, so the caller releases exactly the claims of what it deleted.
 */
export const DELETE_ACCOUNT = `
local out = {redis.call('GET', KEYS[1]) or ''}
for _, v in ipairs(redis.call('HVALS', KEYS[5])) do out[#out + 1] = v end
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do redis.call('DEL', ARGV[1] .. id) end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
for i = 6, #KEYS do redis.call('DEL', KEYS[i]) end
return out`

/**
 * Compare-and-set on the exact account JSON the writer read (and checked `rev` in): any
 * other write in between changed it. KEYS: account, claim lock. ARGV: expected json, json,
 * lock token ('' = none).
 * The record is never decoded here: Lua's `cjson` refuses values JSON.parse reads fine (a
 * lone surrogate escape, more than 1,000 levels), and an account holding one would then
 * refuse every update. The lock check makes an email/phone change commit only while its
 * writer still holds the account's claim lock, i.e. while no other writer can be moving
 * this account's claims.
 */
export const REPLACE_ACCOUNT = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 'missing' end
if cur ~= ARGV[1] then return 'stale' end
if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[3] then return 'stale' end
redis.call('SET', KEYS[1], ARGV[2])
return 'ok'`

/**
 * A new account. KEYS: account, claim lock. ARGV: json, lock token. Commits only while the
 * writer's lock is still held: once it has expired, the writer's claims may have been taken
 * over (`redis-claims.ts`), so writing the account then could give an email two owners.
 */
export const INSERT_ACCOUNT = `
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 'expired' end
if redis.call('EXISTS', KEYS[1]) == 1 then return 'id' end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return 'ok'`

/** KEYS: key. ARGV: expected value, new value. Compare-and-set (claim takeover). */
export const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`

/** KEYS: key. ARGV: expected value. Compare-and-delete (release what we took, unlock). */
export const COMPARE_AND_DELETE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`

/**
 * KEYS: claim. ARGV: account id[, identity id]. Deletes the claim only while it still names
 * that account (and, for an identity claim, that identity). A claim is a small record this
 * store writes itself (ids the core checked, a number, a base64url nonce); decoding it is
 * guarded, and one that can't be read is left to go stale.
 */
export const RELEASE_OWNED_CLAIM = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local ok, c = pcall(cjson.decode, v)
if not ok or type(c) ~= 'table' or c.id ~= ARGV[1] then return 0 end
if ARGV[2] and c.identity ~= ARGV[2] then return 0 end
return redis.call('DEL', KEYS[1])`

/**
 * KEYS: account, identities, identity write counts. ARGV: identity id, json. Runs after the
 * (provider, uid) claim is taken; writes only while the account exists and never over another
 * identity with this id. A new identity's write count is 0 (the listing index's generation).
 */
export const INSERT_IDENTITY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 'identity' end
redis.call('HDEL', KEYS[3], ARGV[1])
return 'ok'`

/**
 * KEYS: identities, identity write counts. ARGV: identity id, json. Overwrites an existing
 * identity only, and counts the write in the same step: returns the count (0 = no such
 * identity), so index writes that arrive out of order can't roll the listing index back.
 */
export const REPLACE_IDENTITY = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return redis.call('HINCRBY', KEYS[2], ARGV[1], 1)`

/** KEYS: identities, identity write counts. ARGV: identity id. 1 when it existed. */
export const DELETE_IDENTITY = `
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])`

/**
 * KEYS: identities, identity write counts. Returns {json, write count, …}: each identity with
 * its count read in one step (a listing-index rebuild indexes it at that generation).
 */
export const READ_IDENTITIES = `
local out = {}
local h = redis.call('HGETALL', KEYS[1])
for i = 1, #h, 2 do
  out[#out + 1] = h[i + 1]
  out[#out + 1] = redis.call('HGET', KEYS[2], h[i]) or '0'
end
return out`

/**
 * Tokens hash fields: `t:<id>` → token JSON (never rewritten, so cjson can't mangle it),
 * `f:<id>` → failure count. KEYS: tokens. ARGV: id, json, failures, ttlMs, now (prunes expired),
 * kind ('' = none), keep: at most `keep` earlier tokens of that kind stay.
 */
export const PUT_TOKEN = `
local h = redis.call('HGETALL', KEYS[1])
local same = {}
for i = 1, #h, 2 do
  if string.sub(h[i], 1, 2) == 't:' then
    local t = cjson.decode(h[i + 1])
    -- ARGV[6] = kind whose earlier tokens are bounded ('' = none): expired tokens always go.
    if t.expiresAt <= tonumber(ARGV[5]) then
      redis.call('HDEL', KEYS[1], h[i], 'f:' .. string.sub(h[i], 3))
    elseif ARGV[6] ~= '' and t.kind == ARGV[6] then
      same[#same + 1] = { tonumber(t.createdAt) or 0, string.sub(h[i], 3) }
    end
  end
end
-- ARGV[7] = how many of them stay: the newest, by createdAt then id.
local keep = tonumber(ARGV[7]) or 0
if #same > keep then
  table.sort(same, function(a, b) if a[1] ~= b[1] then return a[1] < b[1] end return a[2] < b[2] end)
  for j = 1, #same - keep do redis.call('HDEL', KEYS[1], 't:' .. same[j][2], 'f:' .. same[j][2]) end
end
redis.call('HSET', KEYS[1], 't:' .. ARGV[1], ARGV[2], 'f:' .. ARGV[1], ARGV[3])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end`

/**
 * KEYS: tokens. ARGV: id ('' = any), secretHash, now, kinds...
 * Returns {json, failures} of the one token it consumed, or nil. Because the match and the
 * HDEL happen in one script, two concurrent redemptions can never both win. Each token's own
 * `maxFailures` (0 or absent: misses not counted) decides whether a miss counts against it.
 */
export const CONSUME_TOKEN = `
local want, secret, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local kinds, nkinds = {}, 0
for i = 4, #ARGV do kinds[ARGV[i]] = true; nkinds = nkinds + 1 end
local h = redis.call('HGETALL', KEYS[1])
local fails = {}
for i = 1, #h, 2 do
  if string.sub(h[i], 1, 2) == 'f:' then fails[string.sub(h[i], 3)] = tonumber(h[i + 1]) end
end
local candidates = {}
for i = 1, #h, 2 do
  if string.sub(h[i], 1, 2) == 't:' then
    local id = string.sub(h[i], 3)
    local t = cjson.decode(h[i + 1])
    local n = fails[id] or 0
    local max = tonumber(t.maxFailures) or 0
    if t.expiresAt <= now or (max > 0 and n >= max) then
      redis.call('HDEL', KEYS[1], h[i], 'f:' .. id)
    elseif (want == '' or id == want) and (kinds[t.kind] or (want ~= '' and nkinds == 0)) then
      if t.secretHash == secret then
        redis.call('HDEL', KEYS[1], h[i], 'f:' .. id)
        return {h[i + 1], n}
      end
      if max > 0 then candidates[#candidates + 1] = {id, max} end
    end
  end
end
for _, c in ipairs(candidates) do
  if redis.call('HINCRBY', KEYS[1], 'f:' .. c[1], 1) >= c[2] then
    redis.call('HDEL', KEYS[1], 't:' .. c[1], 'f:' .. c[1])
  end
end
return false`

/**
 * KEYS: tokens. ARGV: kinds... (none = all). Returns how many tokens it deleted. A token
 * `cjson` can't decode (the core no longer writes one) is deleted too: it can never be
 * redeemed, and failing here would stop the address change that voids the account's tokens.
 */
export const DELETE_TOKENS = `
local h = redis.call('HGETALL', KEYS[1])
local n = 0
for i = 1, #h, 2 do
  if string.sub(h[i], 1, 2) == 't:' then
    local hit = #ARGV == 0
    if not hit then
      local ok, t = pcall(cjson.decode, h[i + 1])
      if not ok or type(t) ~= 'table' then hit = true
      else for j = 1, #ARGV do if ARGV[j] == t.kind then hit = true end end end
    end
    if hit then
      redis.call('HDEL', KEYS[1], h[i], 'f:' .. string.sub(h[i], 3))
      n = n + 1
    end
  end
end
return n`

/** KEYS: counter. ARGV: window ms. Fixed window: the first hit starts the clock. */
export const HIT = `
local c = redis.call('INCR', KEYS[1])
local t = redis.call('PTTL', KEYS[1])
if t < 0 then
  t = tonumber(ARGV[1])
  redis.call('PEXPIRE', KEYS[1], t)
end
return {c, t}`

/** KEYS: counter. The count and the ms left in its window, in one step (a GET then a PTTL could straddle the expiry). */
export const PEEK_HITS = `
local c = redis.call('GET', KEYS[1])
if not c then return {0, 0} end
local t = redis.call('PTTL', KEYS[1])
if t < 0 then return {0, 0} end
return {tonumber(c), t}`

/**
 * One security-log entry. KEYS: account, the lane's list (newest first). ARGV: `<time>:<json>`,
 * maxEntries, cutoff (epoch ms; older entries go), maxAgeMs. The existence check, the push
 * and both trims are one step: racing appends (a flood of failed sign-ins) can never leave
 * the lane longer than maxEntries, and no entry lands after its account was deleted.
 */
export const APPEND_LOG = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if tonumber(ARGV[2]) < 1 then redis.call('DEL', KEYS[2]) return 1 end
redis.call('LPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
local cutoff = tonumber(ARGV[3])
while true do
  local last = redis.call('LINDEX', KEYS[2], -1)
  if not last then break end
  local t = tonumber(string.match(last, '^(%d+):'))
  if t and t < cutoff then redis.call('RPOP', KEYS[2]) else break end
end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1`

/** KEYS: the log lanes. Returns each lane's `<time>:<json>` entries, newest first, read at one instant. */
export const LIST_LOGS = `
local out = {}
for i = 1, #KEYS do out[i] = redis.call('LRANGE', KEYS[i], 0, -1) end
return out`
