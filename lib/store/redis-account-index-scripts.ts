/**
 * Lua for `RedisAccountIndex`. Every key of these scripts carries the `{ix}` hash tag, so each
 * runs on one Cluster slot. A doc (`HASH <P>{ix}:doc`, id → fields joined by `\1`, see
 * `account-index.ts`) and the sorted-set entries made from it change together in one script,
 * so the index is always consistent with itself; `gen` orders the writes of one account.
 */

const HELPERS = `
local function split(s, sep)
  local out, i = {}, 1
  while true do
    local j = string.find(s, sep, i, true)
    if not j then out[#out + 1] = string.sub(s, i); return out end
    out[#out + 1] = string.sub(s, i, j - 1)
    i = j + 1
  end
end
local function list(s) if s == '' then return {} end return split(s, ',') end
-- The overlaps of an account's terms (sorted bytewise): for each two adjacent terms sharing a
-- prefix of whole bytes (hex: an even number of digits), '<shared prefix>\\0<later term>'. An
-- account whose k terms start with a search word has those k terms adjacent, and exactly k - 1
-- of its overlaps start with the word (the pairs inside the run; the pairs at its edges share no
-- prefix that long). So entries minus overlaps under a word = the accounts it matches.
local function overlaps(terms)
  local out = {}
  for i = 2, #terms do
    local a, b = terms[i - 1], terms[i]
    local n, m = 0, math.min(#a, #b)
    while n < m and string.byte(a, n + 1) == string.byte(b, n + 1) do n = n + 1 end
    n = n - n % 2
    if n > 0 then out[#out + 1] = string.sub(a, 1, n) .. '\\0' .. b end
  end
  return out
end
`

/**
 * KEYS: doc hash, tombstones hash (id → generation), tombstone times zset, then the 12 indexes
 * in INDEXED order (registration … terms; index i holds doc field i + 1), then the term
 * overlaps zset. ARGV: id, gen, doc ('' = the account was deleted; else its last field is the
 * format), now (ms), tombstone lifetime (ms), the index format.
 * Applies only a newer generation than the one indexed (or deleted), so writes that reach the
 * index out of order, and a rebuild racing live writes, leave the newest state; the same
 * generation is applied again when its doc is of another format (same generation, same record:
 * this never goes back), so a rebuild rewrites an older index. A tombstone only has to outlive
 * a write in flight, so tombstones older than their lifetime are dropped.
 */
export const APPLY = `${HELPERS}
local id, gen, doc, format = ARGV[1], ARGV[2], ARGV[3], ARGV[6]
local old = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', tonumber(ARGV[4]) - tonumber(ARGV[5]), 'LIMIT', 0, 100)
for _, g in ipairs(old) do redis.call('HDEL', KEYS[2], g); redis.call('ZREM', KEYS[3], g) end
local gone = redis.call('HGET', KEYS[2], id)
if gone and gone >= gen then return 0 end
local function entries(f, fn, legacy)
  local tail = '\\0' .. f[2] .. '\\0' .. id
  for i = 1, 10 do fn(KEYS[i + 3], f[i + 1] .. tail) end
  for _, v in ipairs(list(f[12])) do fn(KEYS[14], v .. tail) end
  local terms = list(f[13])
  for _, v in ipairs(terms) do
    fn(KEYS[15], v .. tail .. '\\0' .. f[13])
    -- Format 1's term entry, without the terms: removed with the doc it was made from.
    if legacy then fn(KEYS[15], v .. tail) end
  end
  for _, v in ipairs(overlaps(terms)) do fn(KEYS[16], v .. tail) end
end
local cur = redis.call('HGET', KEYS[1], id)
if cur then
  local f = split(cur, '\\1')
  if f[1] > gen or (f[1] == gen and f[14] == format) then return 0 end
  entries(f, function(k, m) redis.call('ZREM', k, m) end, true)
end
if doc == '' then
  redis.call('HDEL', KEYS[1], id)
  redis.call('HSET', KEYS[2], id, gen)
  redis.call('ZADD', KEYS[3], ARGV[4], id)
else
  entries(split(doc, '\\1'), function(k, m) redis.call('ZADD', k, 0, m) end)
  redis.call('HSET', KEYS[1], id, doc)
  if gone then redis.call('HDEL', KEYS[2], id); redis.call('ZREM', KEYS[3], id) end
end
return 1`

/**
 * KEYS: doc hash, the driving index, the terms index, the term overlaps. ARGV: 1 prefix of the
 * driving values ('' = all), 2 desc (1/0), 3 cursor id ('' = none), 4 cursor before (1/0),
 * 5 offset, 6 limit, 7 count the total (1/0), 8 mode ('field': order by the driver's value;
 * 'exact': one value, order by registration; 'terms': search), 9 driver's doc field, 10 total
 * cap, 11 word count, words…, filter count, then per filter: op, doc field, value count, values….
 * Returns {total, ids…} or {'cursor'} when the cursor account is unknown (or outside a search).
 */
export const QUERY = `${HELPERS}
local prefix, desc = ARGV[1], ARGV[2] == '1'
local cursorId, before = ARGV[3], ARGV[4] == '1'
local offset, limit, wantTotal = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7] == '1'
local mode, dfield, cap = ARGV[8], tonumber(ARGV[9]), tonumber(ARGV[10])
local p = 11
local words, commaWords = {}, {}
for i = 1, tonumber(ARGV[p]) do words[i] = ARGV[p + i]; commaWords[i] = ',' .. ARGV[p + i] end
p = p + #words + 1
local filters = {}
for i = 1, tonumber(ARGV[p]) do
  local f = { op = ARGV[p + 1], field = tonumber(ARGV[p + 2]), vals = {} }
  local n = tonumber(ARGV[p + 3])
  for j = 1, n do f.vals[j] = ARGV[p + 3 + j] end
  filters[i] = f
  p = p + 3 + n
end
local nullable = { [4] = true, [5] = true, [11] = true }

local function starts(s, pre) return string.sub(s, 1, #pre) == pre end
local function has(t, v) for _, x in ipairs(t) do if x == v then return true end end return false end
-- An account's first term under the search prefix (terms are sorted bytewise), or nil.
local function firstTerm(terms)
  for _, t in ipairs(list(terms)) do if starts(t, prefix) then return t end end
  return nil
end
-- Some term starts with every word: ',<word>' occurs in ',<term>,<term>…' (hex holds no ',').
local function hasWords(terms)
  local s = ',' .. terms
  for _, w in ipairs(commaWords) do if not string.find(s, w, 1, true) then return false end end
  return true
end
local function matchOne(fl, f)
  if f.field == 12 then
    local labels = list(fl[12])
    for _, v in ipairs(f.vals) do if has(labels, v) then return true end end
    return false
  end
  local v = fl[f.field]
  if f.op == 'isNull' then return v == '' end
  if f.op == 'isNotNull' then return v ~= '' end
  if v == '' and nullable[f.field] then return false end
  local a, b = f.vals[1], f.vals[2]
  if f.op == 'equal' then return has(f.vals, v) end
  if f.op == 'notEqual' then return not has(f.vals, v) end
  if f.op == 'lessThan' then return v < a end
  if f.op == 'lessThanEqual' then return v <= a end
  if f.op == 'greaterThan' then return v > a end
  if f.op == 'greaterThanEqual' then return v >= a end
  if f.op == 'between' then return v >= a and v <= b end
  if f.op == 'startsWith' then return starts(v, a) end
  return false
end
-- A member: '<value>\\0<registration>\\0<id>', in the terms index then '\\0<the account's terms>'
-- (none in an entry of format 1, which a rebuild replaces).
local function parts(m)
  local a = string.find(m, '\\0', 1, true)
  local b = string.find(m, '\\0', a + 1, true)
  local c = string.find(m, '\\0', b + 1, true)
  if not c then return string.sub(m, 1, a - 1), string.sub(m, b + 1), nil end
  return string.sub(m, 1, a - 1), string.sub(m, b + 1, c - 1), string.sub(m, c + 1)
end
-- A walked entry counts when its account matches. In the terms index (several entries per
-- account) each account counts once, at its first matching term: walking up from the range's
-- start that is its first entry (a seen-set); from a cursor, its terms tell. The driving word is
-- implied by the range, the others are checked against the terms the entry carries, so only
-- filters (or, outside the terms index, search words) need the account's doc.
local function accept(m, terms, seen)
  local value, id, termList = parts(m)
  if terms then
    if not termList then return nil end
    if seen then
      if seen[id] then return nil end
      seen[id] = true
    elseif firstTerm(termList) ~= value then return nil end
    if not hasWords(termList) then return nil end
    if #filters == 0 then return id end
  elseif #filters == 0 and #words == 0 then return id end
  local doc = redis.call('HGET', KEYS[1], id)
  if not doc then return nil end
  local fl = split(doc, '\\1')
  for _, f in ipairs(filters) do if not matchOne(fl, f) then return nil end end
  if not terms and not hasWords(fl[13]) then return nil end
  return id
end

local lo, hi = '-', '+'
if prefix ~= '' then lo, hi = '[' .. prefix, '(' .. prefix .. '\\255' end
-- Walks [min, max] of index key forward (or backward), calling fn on each accepted id until it returns true.
local function walk(key, min, max, backward, seen, fn)
  local terms = key == KEYS[3]
  while true do
    local batch
    if backward then batch = redis.call('ZREVRANGEBYLEX', key, max, min, 'LIMIT', 0, 256)
    else batch = redis.call('ZRANGEBYLEX', key, min, max, 'LIMIT', 0, 256) end
    for _, m in ipairs(batch) do
      local id = accept(m, terms, seen)
      if id and fn(id) then return end
    end
    if #batch < 256 then return end
    if backward then max = '(' .. batch[#batch] else min = '(' .. batch[#batch] end
  end
end

local min, max = lo, hi
local backward = desc
if cursorId ~= '' then
  local doc = redis.call('HGET', KEYS[1], cursorId)
  if not doc then return {'cursor'} end
  local fl = split(doc, '\\1')
  local key
  if mode == 'terms' then
    local t = firstTerm(fl[13])
    if not t then return {'cursor'} end
    key = t .. '\\0' .. fl[2] .. '\\0' .. cursorId .. '\\0' .. fl[13]
  elseif mode == 'exact' then key = prefix .. fl[2] .. '\\0' .. cursorId
  else key = fl[dfield] .. '\\0' .. fl[2] .. '\\0' .. cursorId end
  -- Strictly after the cursor in list order, or strictly before it walking back to the start.
  local upward = (not desc) ~= before
  if upward then
    if prefix == '' or key >= prefix then min = '(' .. key end
  else
    if prefix == '' or key < prefix .. '\\255' then max = '(' .. key end
  end
  backward = not upward
end

local out, skipped = {}, 0
if limit > 0 then
  walk(KEYS[2], min, max, backward, cursorId == '' and {} or nil, function(id)
    if skipped < offset then skipped = skipped + 1 return false end
    out[#out + 1] = id
    return #out >= limit
  end)
end
if cursorId ~= '' and before then
  local r = {}
  for i = #out, 1, -1 do r[#r + 1] = out[i] end
  out = r
end
-- The total, counted to the cap. Counting needs no order, so a search counts over any of its
-- words' term ranges: every match has an entry in each (a search is 'terms' mode unless it has
-- an order, and then no filter is implied by the driving range).
local total = 0
local function termRange(w) return '[' .. w, '(' .. w .. '\\255' end
if not wantTotal then
elseif #filters == 0 and #words == 0 then
  total = redis.call('ZLEXCOUNT', KEYS[2], lo, hi)
elseif #filters == 0 and #words == 1 then
  -- Exact in O(log n), whatever the number of matches: see overlaps().
  local a, b = termRange(words[1])
  total = redis.call('ZLEXCOUNT', KEYS[3], a, b) - redis.call('ZLEXCOUNT', KEYS[4], a, b)
else
  -- Walks the fewest entries that hold every match (the rarest word's, when searching), each
  -- account once (a seen-set), until the cap.
  local key, clo, chi, size = KEYS[2], lo, hi, nil
  for _, w in ipairs(words) do
    local a, b = termRange(w)
    local n = redis.call('ZLEXCOUNT', KEYS[3], a, b)
    if size == nil or n < size then key, clo, chi, size = KEYS[3], a, b, n end
  end
  if size ~= 0 then
    walk(key, clo, chi, false, {}, function() total = total + 1 return total >= cap end)
  end
end
total = math.min(total, cap)
table.insert(out, 1, total)
return out`

/**
 * KEYS: doc hash, the terms index, the term overlaps. ARGV: 1 'terms' or 'overlaps' (which set
 * to sweep), 2 start after this member ('' = from the start), 3 batch size.
 * Removes the entries of that set that the account's doc would not make: a process of index
 * format 1 replaced a doc without removing its format-2 entries (or overlaps), and no later
 * write of the account would (it removes what its doc made). Every write of the current format
 * keeps an account's entries exactly what its doc makes, so this removes nothing else, at any
 * time. Returns {the last member seen ('' = done), entries removed}.
 */
export const SWEEP = `${HELPERS}
local terms = ARGV[1] == 'terms'
local key = terms and KEYS[2] or KEYS[3]
local size = tonumber(ARGV[3])
local batch = redis.call('ZRANGEBYLEX', key, ARGV[2] == '' and '-' or '(' .. ARGV[2], '+', 'LIMIT', 0, size)
local removed = 0
-- A term entry '<term>\\0<registration>\\0<id>\\0<terms>' is made by a doc with that
-- registration and terms that hold the term; an overlap '<prefix>\\0<term>\\0<registration>\\0<id>'
-- by one with that registration whose terms' overlaps hold it.
local function made(m)
  local f = split(m, '\\0')
  if #f ~= 4 then return false end
  local id, reg = f[terms and 3 or 4], f[terms and 2 or 3]
  local doc = redis.call('HGET', KEYS[1], id)
  if not doc then return false end
  local fl = split(doc, '\\1')
  if fl[2] ~= reg then return false end
  if terms then
    return fl[13] == f[4] and string.find(',' .. f[4] .. ',', ',' .. f[1] .. ',', 1, true) ~= nil
  end
  local want = f[1] .. '\\0' .. f[2]
  for _, o in ipairs(overlaps(list(fl[13]))) do if o == want then return true end end
  return false
end
for _, m in ipairs(batch) do
  if not made(m) then redis.call('ZREM', key, m); removed = removed + 1 end
end
return {#batch < size and '' or batch[#batch], removed}`
