/**
 * Lua for `RedisIdentityIndex`, generated from the identity doc's layout ({@link IndexLayout}).
 * Every key carries the `{ix}` hash tag, so each script runs on one Cluster slot. A doc (`HASH
 * <P>{ix}:idn:doc`, id → fields joined by `\1`, see `identity-index.ts`) and the sorted-set
 * entries made from it change together in one script, so the index is always consistent with
 * itself; `gen` orders the writes of one record. Doc field 1 is the generation, field 2 the
 * value that breaks ties (createdAt).
 *
 * These are the account index's first-format scripts made generic (a search's total walks the
 * matching entries, up to the cap). The account index has since moved to its own scripts
 * (`redis-account-index-scripts.ts`: exact one-word totals from a term-overlaps index), which
 * identities, far fewer per deployment and searched rarely, do not need.
 */

/** Where a listing's doc keeps what the scripts need; doc fields are numbered from 1, as Lua reads them. */
export interface IndexLayout {
  /** Doc fields 2..scalars+1 each have an index (a sorted set), in that order after the 3 fixed keys. */
  scalars: number
  /** Doc fields holding comma-separated lists, each with its own index, after the scalar ones. */
  lists: readonly number[]
  /** The list field `contains` filters check (0 = none). */
  labels: number
  /** The list field of search terms. */
  terms: number
  /** Fields where `''` means null (it matches no comparison). */
  nullable: readonly number[]
  /** A doc field returned with each id of a page (0 = ids only). */
  carry: number
}


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
`

/**
 * KEYS: doc hash, tombstones hash (id → generation), tombstone times zset, then the indexes
 * in INDEXED order (index i holds doc field i + 1, the list fields' after). ARGV: id, gen, doc
 * ('' = the account was deleted), now (ms), tombstone lifetime (ms).
 * Applies only a newer generation than the one indexed (or deleted), so writes that reach the
 * index out of order, and a rebuild racing live writes, leave the newest state. A tombstone
 * only has to outlive a write in flight, so tombstones older than their lifetime are dropped.
 */
export const applyScript = (l: IndexLayout): string => `${HELPERS}
local id, gen, doc = ARGV[1], ARGV[2], ARGV[3]
local old = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', tonumber(ARGV[4]) - tonumber(ARGV[5]), 'LIMIT', 0, 100)
for _, g in ipairs(old) do redis.call('HDEL', KEYS[2], g); redis.call('ZREM', KEYS[3], g) end
local gone = redis.call('HGET', KEYS[2], id)
if gone and gone >= gen then return 0 end
local function entries(f, fn)
  local tail = '\\0' .. f[2] .. '\\0' .. id
  for i = 1, ${l.scalars} do fn(KEYS[i + 3], f[i + 1] .. tail) end
${l.lists.map((field, j) => `  for _, v in ipairs(list(f[${field}])) do fn(KEYS[${l.scalars + 4 + j}], v .. tail) end`).join('\n')}
end
local cur = redis.call('HGET', KEYS[1], id)
if cur then
  local f = split(cur, '\\1')
  if f[1] >= gen then return 0 end
  entries(f, function(k, m) redis.call('ZREM', k, m) end)
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
 * KEYS: doc hash, the driving index. ARGV: 1 prefix of the driving values ('' = all), 2 desc
 * (1/0), 3 cursor id ('' = none), 4 cursor before (1/0), 5 offset, 6 limit, 7 count the total
 * (1/0), 8 mode ('field': order by the driver's value; 'exact': one value, order by
 * registration; 'terms': search), 9 driver's doc field, 10 total cap, 11 word count, words…,
 * filter count, then per filter: op, doc field, value count, values….
 * Returns {total, ids…} ({total, id, carried field, …} with `carry`) or {'cursor'} when the
 * cursor record is unknown (or outside a search).
 */
export const queryScript = (l: IndexLayout): string => `${HELPERS}
local prefix, desc = ARGV[1], ARGV[2] == '1'
local cursorId, before = ARGV[3], ARGV[4] == '1'
local offset, limit, wantTotal = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7] == '1'
local mode, dfield, cap = ARGV[8], tonumber(ARGV[9]), tonumber(ARGV[10])
local p = 11
local words = {}
for i = 1, tonumber(ARGV[p]) do words[i] = ARGV[p + i] end
p = p + #words + 1
local filters = {}
for i = 1, tonumber(ARGV[p]) do
  local f = { op = ARGV[p + 1], field = tonumber(ARGV[p + 2]), vals = {} }
  local n = tonumber(ARGV[p + 3])
  for j = 1, n do f.vals[j] = ARGV[p + 3 + j] end
  filters[i] = f
  p = p + 3 + n
end
-- The driving word is implied by the range. A search lists each account once, at its smallest
-- matching term: walking from the range's start, that is its first entry (a seen-set); from a
-- cursor, only its doc can tell.
local checkDoc = #filters > 0 or #words > (mode == 'terms' and 1 or 0)
local needDoc = checkDoc or (mode == 'terms' and cursorId ~= '')
local nullable = { ${l.nullable.map((f) => `[${f}] = true`).join(', ')} }

local function starts(s, pre) return string.sub(s, 1, #pre) == pre end
local function has(t, v) for _, x in ipairs(t) do if x == v then return true end end return false end
local function minTerm(f)
  for _, t in ipairs(list(f[${l.terms}])) do if starts(t, prefix) then return t end end
  return nil
end
local function matchOne(fl, f)
  if f.field == ${l.labels} then
    local labels = list(fl[${l.labels}])
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
local function idOf(m)
  local a = string.find(m, '\\0', 1, true)
  local b = string.find(m, '\\0', a + 1, true)
  return string.sub(m, b + 1)
end
-- A driving entry counts when its account matches; a search lists each account once, at its
-- smallest matching term.
local function accept(m, seen, full)
  local id = idOf(m)
  if mode == 'terms' and seen then
    if seen[id] then return nil end
    seen[id] = true
  end
  if not full then return id end
  local doc = redis.call('HGET', KEYS[1], id)
  if not doc then return nil end
  local fl = split(doc, '\\1')
  if mode == 'terms' and not seen then
    local t = minTerm(fl)
    if not t or t .. '\\0' .. fl[2] .. '\\0' .. id ~= m then return nil end
  end
  for _, f in ipairs(filters) do if not matchOne(fl, f) then return nil end end
  for _, w in ipairs(words) do
    local hit = false
    for _, t in ipairs(list(fl[${l.terms}])) do if starts(t, w) then hit = true break end end
    if not hit then return nil end
  end
  return id
end

local lo, hi = '-', '+'
if prefix ~= '' then lo, hi = '[' .. prefix, '(' .. prefix .. '\\255' end
-- Walks [min, max] forward (or backward), calling fn on each accepted id until it returns true.
local function walk(min, max, backward, seen, full, fn)
  while true do
    local batch
    if backward then batch = redis.call('ZREVRANGEBYLEX', KEYS[2], max, min, 'LIMIT', 0, 256)
    else batch = redis.call('ZRANGEBYLEX', KEYS[2], min, max, 'LIMIT', 0, 256) end
    for _, m in ipairs(batch) do
      local id = accept(m, seen, full)
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
    local t = minTerm(fl)
    if not t then return {'cursor'} end
    key = t .. '\\0' .. fl[2] .. '\\0' .. cursorId
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
  walk(min, max, backward, cursorId == '' and {} or nil, needDoc, function(id)
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
local total = 0
if wantTotal then
  if mode ~= 'terms' and not needDoc then total = math.min(redis.call('ZLEXCOUNT', KEYS[2], lo, hi), cap)
  else walk(lo, hi, false, {}, checkDoc, function() total = total + 1 return total >= cap end) end
end
${l.carry > 0 ? `-- Each id with its carried doc field ('' when the doc went meanwhile).
local r = {}
for _, id in ipairs(out) do
  local doc = redis.call('HGET', KEYS[1], id)
  r[#r + 1] = id
  r[#r + 1] = doc and split(doc, '\\1')[${l.carry}] or ''
end
out = r
` : ''}table.insert(out, 1, total)
return out`
