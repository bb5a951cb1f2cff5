// The Lua scripts of the Redis store (docs/decisions/020-state-shared-on-redis.md): every operation where a read decides a
// write runs as one script, so Redis executes it whole, with no other client's command in between.
// Each script takes the key prefix as ARGV[1] and the bound on accounts as ARGV[2], and builds its
// keys from the prefix (one Redis, not a cluster: see the decision). Numbers go back to the client
// as the strings Redis stored, never as Lua numbers (a Lua number becomes an integer reply, cut).
//
// Key layout under the prefix P:
//   clock                   the shared clock offset (ms)
//   seq:<name>              sequence counters (request ids in blocks, fault ids one by one)
//   tick                    a counter that orders uses of accounts and faults (least recent first)
//   accounts                zset: key fingerprint -> tick of its last use (bounded: the oldest evicted)
//   account:<key>           hash: balance, spent, refunded, seq (decisions), wstart, wcount (rate window)
//   jobs:n                  counter: creation order of jobs
//   jobs                    zset: job id -> creation order (every job)
//   job:<id>                hash: r (the record as JSON), p:<field> (a changed field, JSON), wd (webhook
//                           handed out), and what the scripts read: key, created, cost, hook, and when
//                           the job earns its cost (paidms or paidpolls, fixed at creation). p:<field>
//                           and wd are absent until they differ from a new job's: then the JSON's hold
//   keyjobs:<key>           zset: the key's job ids -> creation order
//   refunds:<key>           zset: the key's failing jobs not refunded yet -> creation order
//   webhooks                zset: job ids whose webhook event is not handed out yet -> creation order
//   faults:<key>            list: the key's armed faults (JSON), first armed first
//   faultkeys               zset: keys with armed faults -> tick of their first fault (bounded)
//   journal:entries         stream: the journal, each entry's JSON in field e under the id 0-<seq> (exactly
//                           the newest `limit` kept); an older version kept a sorted set under `journal`,
//                           which only a reset removes
//   journal:seq             counter: journal numbers
//   keysecret               the secret API keys are fingerprinted with (set once, never reset)

const prelude = `
local P = ARGV[1]

-- s + 0 makes a number of a string in one conversion; Lua 5.1's tonumber converts it twice. A
-- string that is no number fails either way (tonumber's nil, then the arithmetic on it).

-- Makes room for one more key in a bounded sorted set of keys (ordered by use): the oldest go,
-- with what they name (P .. kind .. key). The bound is ARGV[2], the batch's too.
local function makeRoom(set, kind)
  local max = ARGV[2] + 0
  while redis.call('ZCARD', set) >= max do
    local oldest = redis.call('ZPOPMIN', set)
    if #oldest == 0 then break end
    redis.call('DEL', P .. kind .. oldest[1])
  end
end

-- A new account at the key's name a (the least recently used evicted beyond the bound).
local function newAccount(a, starting)
  makeRoom(P .. 'accounts', 'account:')
  redis.call('HSET', a, 'balance', starting, 'spent', 0, 'refunded', 0, 'seq', 0, 'wstart', 0, 'wcount', 0)
end

-- The key's account, created on first use, and its wallet; marks a key it holds already used only
-- when asked (a new one always): -> a, { balance, spent, refunded }
local function openAccount(key, starting, use)
  local a = P .. 'account:' .. key
  local w = redis.call('HMGET', a, 'balance', 'spent', 'refunded')
  if not w[1] then
    newAccount(a, starting)
    w = { starting, '0', '0' }
    use = true
  end
  if use then redis.call('ZADD', P .. 'accounts', redis.call('INCR', P .. 'tick'), key) end
  return a, w
end

-- The key's account, created on first use; marks it used.
local function account(key, starting)
  return (openAccount(key, starting, true))
end

-- Gives cents back to a key's wallet, answering nothing (the refund of an evicted job).
local function refund(key, starting, cents)
  local a, w = openAccount(key, starting, true)
  redis.call('HSET', a, 'balance', w[1] + cents, 'refunded', w[3] + cents)
end

local function wallet(key, a)
  local w = redis.call('HMGET', a, 'balance', 'spent', 'refunded')
  return { key, w[1], w[2], w[3] }
end

-- Gives cents back to a key's wallet (a refund), answering the wallet.
local function credit(key, starting, cents)
  refund(key, starting, cents)
  return wallet(key, P .. 'account:' .. key)
end

-- One request of a key (now: the time as a string): counts it in the key's fixed window unless over
-- the limit, takes its next decision number -> { seq, windowStart, windowCount, limited, faultsArmed, refundsPending },
-- the flags booleans (a script answers true as 1, false as nil; a batch's JSON encoder formats a number
-- as a float, not a boolean)
local function admitKey(key, now, rpm, windowMs, starting)
  -- account(), with its EXISTS folded into this read: a request of a known key is the common case.
  local a = P .. 'account:' .. key
  local f = redis.call('HMGET', a, 'wstart', 'wcount', 'seq')
  if not f[3] then
    newAccount(a, starting)
    f = { '0', '0', '0' }
  end
  redis.call('ZADD', P .. 'accounts', redis.call('INCR', P .. 'tick'), key)
  local wstart = f[1]
  local wcount = f[2] + 0
  local t = now + 0
  local start = wstart + 0
  -- A clock a little behind the window's start (another replica's, or a request that read the clock
  -- before one counted first) is in that window; only a clock a whole window back starts a new one.
  if t - start >= windowMs or start - t >= windowMs then
    wstart = now
    wcount = 0
  end
  local limited = wcount >= rpm
  if not limited then wcount = wcount + 1 end
  redis.call('HSET', a, 'wstart', wstart, 'wcount', wcount, 'seq', f[3] + 1)
  local armed = redis.call('EXISTS', P .. 'faults:' .. key) == 1
  local pending = redis.call('ZCARD', P .. 'refunds:' .. key) > 0
  return { f[3], wstart, tostring(wcount), limited, armed, pending }
end

local function removeJob(id)
  local j = P .. 'job:' .. id
  local key = redis.call('HGET', j, 'key')
  if key then
    redis.call('ZREM', P .. 'keyjobs:' .. key, id)
    redis.call('ZREM', P .. 'refunds:' .. key, id)
  end
  redis.call('ZREM', P .. 'jobs', id)
  redis.call('ZREM', P .. 'webhooks', id)
  redis.call('DEL', j)
end
`;

/** ARGV: P, max -> the clock offset (ms) */
const clock = `
return redis.call('GET', P .. 'clock') or '0'
`;

/** ARGV: P, max, id -> the job's hash (empty when there is none) */
const getJob = `
return redis.call('HGETALL', P .. 'job:' .. ARGV[3])
`;

/** ARGV: P, max, key, nowMs, rpm, windowMs, startingCents -> { seq, windowStart, windowCount, limited, faultsArmed, refundsPending } */
const admit = `
return admitKey(ARGV[3], ARGV[4], ARGV[5] + 0, ARGV[6] + 0, ARGV[7])
`;

/**
 * The fields of a job's hash its record is read back from: the record, whether its webhook event was
 * handed out, and every `p:` field a script or a patch writes. A request's first step reads only
 * these: each field read into Lua and sent back costs Redis, and the ones the scripts keep for
 * themselves (key, created, cost, hook) are in the record anyway.
 */
export const JOB_FIELDS = ['r', 'wd', 'p:polls', 'p:lastPollMs', 'p:refunded', 'p:cancelledMs', 'p:stepUpdatedMs'] as const;

/**
 * ARGV: P, max, sourceMs, floorMs, key ('' for none), rpm, windowMs, startingCents, job id ('' for
 * none) -> { offset, now, admission (as admit answers it) or nil, the job's JOB_FIELDS (nil each when
 * none; empty without a job id) }
 */
const openRequest = `
local offset = redis.call('GET', P .. 'clock') or '0'
local now = string.format('%d', math.max(ARGV[4] + 0, ARGV[3] + offset))
local admission = false
if ARGV[5] ~= '' then admission = admitKey(ARGV[5], now, ARGV[6] + 0, ARGV[7] + 0, ARGV[8]) end
local job = {}
if ARGV[9] ~= '' then job = redis.call('HMGET', P .. 'job:' .. ARGV[9], ${JOB_FIELDS.map((field) => `'${field}'`).join(', ')}) end
return { offset, now, admission, job }
`;

/** ARGV: P, max, key, startingCents -> wallet */
const walletOf = `
return wallet(ARGV[3], account(ARGV[3], ARGV[4]))
`;

/** ARGV: P, max, key, startingCents, balanceCents -> wallet */
const setBalance = `
local a = account(ARGV[3], ARGV[4])
redis.call('HSET', a, 'balance', ARGV[5])
return wallet(ARGV[3], a)
`;

/** ARGV: P, max, key, startingCents, cents -> wallet */
const credit = `
return credit(ARGV[3], ARGV[4], tonumber(ARGV[5]))
`;

/**
 * ARGV: P, max, key, startingCents, id, costCents, nowMs, maxJobs, ttlMs, pendingRefund (0/1),
 * pendingWebhook (0/1), then the job's hash as field, value, ... -> { 2 } when the id is taken;
 * { 0, wallet } when the wallet cannot pay; { 1, wallet after the debit, evicted ids, hashes of the
 * evicted jobs it could not judge } when kept.
 *
 * An evicted job's cost goes back to its key (after the debit, in eviction order, as credit gives it)
 * when it awaited a refund (in refunds:<key>: it fails, or was cancelled), or when it was not refunded
 * and had not earned its cost by now: the fact the core fixed at its creation (paidms: the time it
 * completes; paidpolls: the polls that complete it), compared, never the lifecycle itself. A job
 * without that fact (kept by an older version) is answered whole, for the client to judge.
 */
const createJob = `
local key = ARGV[3]
local id = ARGV[5]
local j = P .. 'job:' .. id
if redis.call('EXISTS', j) == 1 then return { 2 } end
local cost = ARGV[6] + 0
local now = ARGV[7] + 0
local maxJobs = ARGV[8] + 0
local ttl = ARGV[9] + 0
-- Its request's admission marked the key used moments before: no need to again.
local a, w = openAccount(key, ARGV[4], false)
local funds = w[1] + 0
if funds < cost then return { 0, { key, w[1], w[2], w[3] } } end
local jobs = P .. 'jobs'
local n = redis.call('ZCARD', jobs)
local evicted = {}
local refunds = {}
local unjudged = {}
-- The oldest ids, read ahead: those beyond the bound and the one after them (jobs only loses ids here).
local ids, at = {}, 1
while n > 0 do
  local oldest = ids[at]
  if not oldest then
    ids = redis.call('ZRANGE', jobs, '0', n >= maxJobs and string.format('%d', n - maxJobs + 1) or '0')
    oldest, at = ids[1], 1
  end
  at = at + 1
  local o = P .. 'job:' .. oldest
  -- Within the bound, only an expired job goes: its creation time decides before anything else is read.
  if n < maxJobs then
    local created = redis.call('HGET', o, 'created')
    if created and created + ttl > now then break end
  end
  local f = redis.call('HMGET', o, 'key', 'cost', 'p:refunded', 'p:polls', 'paidms', 'paidpolls', 'hook')
  local pending = 0
  if f[1] then
    redis.call('ZREM', P .. 'keyjobs:' .. f[1], oldest)
    pending = redis.call('ZREM', P .. 'refunds:' .. f[1], oldest)
    if pending == 1 then
      refunds[#refunds + 1] = f
    elseif f[3] ~= 'true' then
      if f[5] then
        if now < f[5] + 0 then refunds[#refunds + 1] = f end
      elseif f[6] then
        if (f[4] or '0') + 0 < f[6] + 0 then refunds[#refunds + 1] = f end
      else
        unjudged[#unjudged + 1] = redis.call('HGETALL', o)
      end
    end
  end
  redis.call('ZREM', jobs, oldest)
  if f[7] == '1' then redis.call('ZREM', P .. 'webhooks', oldest) end
  redis.call('DEL', o)
  evicted[#evicted + 1] = oldest
  n = n - 1
end
local balance = string.format('%.17g', funds - cost)
local spent = string.format('%.17g', w[2] + cost)
redis.call('HSET', a, 'balance', balance, 'spent', spent)
redis.call('HSET', j, unpack(ARGV, 12))
local order = redis.call('INCR', P .. 'jobs:n')
redis.call('ZADD', jobs, order, id)
redis.call('ZADD', P .. 'keyjobs:' .. key, order, id)
if ARGV[10] == '1' then redis.call('ZADD', P .. 'refunds:' .. key, order, id) end
if ARGV[11] == '1' then redis.call('ZADD', P .. 'webhooks', order, id) end
for _, r in ipairs(refunds) do refund(r[1], ARGV[4], r[2] + 0) end
return { 1, { key, balance, spent, w[3] }, evicted, unjudged }
`;

/**
 * ARGV: P, max, id, nowMs, step (0/1), minIntervalMs ('' for none) -> { previous lastPollMs (JSON),
 * job hash, throttled (0/1) } or nil. A poll sooner than minIntervalMs after the last answered one is
 * throttled: it changes nothing.
 */
const recordPoll = `
local j = P .. 'job:' .. ARGV[3]
if redis.call('EXISTS', j) == 0 then return false end
local previous = redis.call('HGET', j, 'p:lastPollMs')
local last = tonumber(previous)
if ARGV[6] ~= '' and last ~= nil and tonumber(ARGV[4]) - last < tonumber(ARGV[6]) then
  return { previous, redis.call('HGETALL', j), 1 }
end
redis.call('HSET', j, 'p:lastPollMs', ARGV[4])
if ARGV[5] == '1' then redis.call('HINCRBY', j, 'p:polls', 1) end
return { previous or 'null', redis.call('HGETALL', j), 0 }
`;

/**
 * ARGV: P, max, id, nowMs, polls (JSON) -> { 1, job hash } when cancelled; { 0, job hash } when the
 * job was cancelled already or has been polled since the caller read it (polls moved: the caller
 * decides again); nil when gone. Whether the job has ended is the caller's to judge (the lifecycle is
 * JavaScript); this compares and sets, so that a cancel and a poll that ends the job never both win.
 */
const cancelJob = `
local id = ARGV[3]
local j = P .. 'job:' .. id
if redis.call('EXISTS', j) == 0 then return false end
local f = redis.call('HMGET', j, 'p:cancelledMs', 'p:polls', 'key', 'p:refunded')
-- A new job's hash has no p:polls yet: none.
if (f[1] and f[1] ~= 'null') or (f[2] or '0') ~= ARGV[5] then return { 0, redis.call('HGETALL', j) } end
redis.call('HSET', j, 'p:cancelledMs', ARGV[4])
if f[4] ~= 'true' then
  local order = redis.call('ZSCORE', P .. 'jobs', id)
  redis.call('ZADD', P .. 'refunds:' .. f[3], order or 0, id)
end
return { 1, redis.call('HGETALL', j) }
`;

/** ARGV: P, max, proposed secret -> the secret kept (the first proposed, ever) */
const fingerprintSecret = `
local k = P .. 'keysecret'
redis.call('SET', k, ARGV[3], 'NX')
return redis.call('GET', k)
`;

/** ARGV: P, max, id, then p:<field>, JSON, ... -> job hash or nil */
const patchJob = `
local j = P .. 'job:' .. ARGV[3]
if redis.call('EXISTS', j) == 0 then return false end
if #ARGV > 3 then redis.call('HSET', j, unpack(ARGV, 4)) end
return redis.call('HGETALL', j)
`;

/** ARGV: P, max, id, startingCents -> wallet, or nil when refunded already or gone */
const refundJob = `
local id = ARGV[3]
local j = P .. 'job:' .. id
local f = redis.call('HMGET', j, 'key', 'cost', 'p:refunded')
if not f[1] or f[3] == 'true' then return false end
redis.call('HSET', j, 'p:refunded', 'true')
redis.call('ZREM', P .. 'refunds:' .. f[1], id)
return credit(f[1], ARGV[4], tonumber(f[2]))
`;

/** ARGV: P, max, id -> 1 for the one caller that got the event, else 0 */
const claimWebhook = `
local id = ARGV[3]
local j = P .. 'job:' .. id
redis.call('ZREM', P .. 'webhooks', id)
local f = redis.call('HMGET', j, 'hook', 'wd')
if f[1] ~= '1' or f[2] == '1' then return 0 end
redis.call('HSET', j, 'wd', '1')
return 1
`;

/** ARGV: P, max, key, fault JSON, maxPerKey -> 1 when armed, 0 when the key holds maxPerKey already */
const armFault = `
local key = ARGV[3]
local l = P .. 'faults:' .. key
local keys = P .. 'faultkeys'
if redis.call('EXISTS', l) == 0 then makeRoom(keys, 'faults:') end
if redis.call('LLEN', l) >= tonumber(ARGV[5]) then return 0 end
redis.call('RPUSH', l, ARGV[4])
redis.call('ZADD', keys, 'NX', redis.call('INCR', P .. 'tick'), key)
return 1
`;

/** ARGV: P, max, key, operationId -> the fault as it was (JSON), or nil */
const takeFault = `
local key = ARGV[3]
local l = P .. 'faults:' .. key
local items = redis.call('LRANGE', l, 0, -1)
for i, raw in ipairs(items) do
  local fault = cjson.decode(raw)
  if fault.operation == ARGV[4] or fault.operation == '*' then
    if fault.remaining <= 1 then
      redis.call('LSET', l, i - 1, '')
      redis.call('LREM', l, 1, '')
      if redis.call('EXISTS', l) == 0 then redis.call('ZREM', P .. 'faultkeys', key) end
    else
      fault.remaining = fault.remaining - 1
      redis.call('LSET', l, i - 1, cjson.encode(fault))
    end
    return raw
  end
end
return false
`;

/**
 * ARGV: P, max, entry JSON (without seq), limit -> seq. The entry is kept as it came, its number in
 * the stream's id: Redis neither copies it into a new string nor hashes it, and trims by count.
 */
const appendJournal = `
local seq = redis.call('INCR', P .. 'journal:seq')
if ARGV[4] + 0 > 0 then
  redis.call('XADD', P .. 'journal:entries', 'MAXLEN', ARGV[4], string.format('0-%d', seq), 'e', ARGV[3])
end
return seq
`;

/** ARGV: P, max -> jobs removed. Keeps the clock, the sequences and the journal's numbering. */
const resetAll = `
local jobs = redis.call('ZRANGE', P .. 'jobs', 0, -1)
for _, id in ipairs(jobs) do
  local key = redis.call('HGET', P .. 'job:' .. id, 'key')
  if key then redis.call('DEL', P .. 'keyjobs:' .. key, P .. 'refunds:' .. key) end
  redis.call('DEL', P .. 'job:' .. id)
end
for _, key in ipairs(redis.call('ZRANGE', P .. 'accounts', 0, -1)) do redis.call('DEL', P .. 'account:' .. key) end
for _, key in ipairs(redis.call('ZRANGE', P .. 'faultkeys', 0, -1)) do redis.call('DEL', P .. 'faults:' .. key) end
redis.call('DEL', P .. 'jobs', P .. 'accounts', P .. 'faultkeys', P .. 'webhooks', P .. 'journal:entries', P .. 'journal')
return #jobs
`;

/** ARGV: P, max, key -> jobs removed (the journal's entries of the key are removed by the client). */
const resetKey = `
local key = ARGV[3]
local ids = redis.call('ZRANGE', P .. 'keyjobs:' .. key, 0, -1)
for _, id in ipairs(ids) do removeJob(id) end
redis.call('DEL', P .. 'keyjobs:' .. key, P .. 'refunds:' .. key, P .. 'account:' .. key, P .. 'faults:' .. key)
redis.call('ZREM', P .. 'accounts', key)
redis.call('ZREM', P .. 'faultkeys', key)
return #ids
`;

/** Each operation's body: run with the prelude as a script of its own, or as a step of a batch. */
const operations = {
  aigwClock: clock,
  aigwGetJob: getJob,
  aigwAdmit: admit,
  aigwOpenRequest: openRequest,
  aigwWallet: walletOf,
  aigwSetBalance: setBalance,
  aigwCredit: credit,
  aigwCreateJob: createJob,
  aigwRecordPoll: recordPoll,
  aigwCancelJob: cancelJob,
  aigwFingerprintSecret: fingerprintSecret,
  aigwPatchJob: patchJob,
  aigwRefundJob: refundJob,
  aigwClaimWebhook: claimWebhook,
  aigwArmFault: armFault,
  aigwTakeFault: takeFault,
  aigwAppendJournal: appendJournal,
  aigwResetAll: resetAll,
  aigwResetKey: resetKey,
} as const;

export type RedisScriptName = keyof typeof operations;

/**
 * Several operations in one script (group commit): ARGV: P, max, then the operations as one JSON
 * array of [name, '', arguments (those after P and max, as strings)...] -> one JSON array of
 * [true, reply] or [false, error message] per operation (booleans: the JSON encoder formats a number
 * as a float, each costing Redis more than the operation's own conversions). An operation's array
 * becomes its ARGV, P and max put in the places of its name and '' (no copy of its arguments). Each
 * runs as its own script would, in order, and Redis runs the batch whole, so every operation keeps
 * its atomicity; one failing (a bug, an out-of-memory Redis) fails only itself. One JSON string each
 * way, not a RESP value per argument and per reply: encoding and parsing those cost the mock's
 * process more than the batch's whole work in Redis (JSON.parse is native; ioredis parses RESP in
 * JavaScript).
 */
const batch = `${prelude}
-- One branch per operation, each body as its own script has it (no closure made per call).
local function run(name, ARGV)
${Object.entries(operations)
  .map(([name, body], i) => `  ${i === 0 ? 'if' : 'elseif'} name == '${name}' then\n${body.trim()}`)
  .join('\n')}
  end
  error('unknown operation ' .. tostring(name))
end
local results = {}
local ops = cjson.decode(ARGV[3])
for n = 1, #ops do
  local op = ops[n]
  local name = op[1]
  op[1], op[2] = P, ARGV[2]
  local ok, reply = pcall(run, name, op)
  if ok then
    results[n] = { true, reply }
  elseif type(reply) == 'table' and reply.err then
    results[n] = { false, reply.err }
  else
    results[n] = { false, tostring(reply) }
  end
end
return cjson.encode(results)
`;

/**
 * The prelude a script of one operation needs: P, and the helpers its body calls (with those they
 * call). A closure made on every call of a script is work for Redis: a journal entry or the clock
 * needs none of them. The batch defines all of them.
 */
function preludeFor(body: string): string {
  // The prelude's blocks: its first lines (P), then each helper with the comment above it.
  const blocks: { name: string; lines: string[] }[] = [{ name: '', lines: [] }];
  let comment: string[] = [];
  for (const line of prelude.split('\n')) {
    const helper = /^local function (\w+)/.exec(line);
    if (helper !== null) blocks.push({ name: helper[1] as string, lines: [...comment, line] });
    else if (line.startsWith('--')) comment.push(line);
    else (blocks.at(-1) as { lines: string[] }).lines.push(...comment, line);
    if (!line.startsWith('--')) comment = [];
  }
  const code = (text: string): string => text.replace(/--[^\n]*/g, '');
  const calls = (text: string, name: string): boolean => new RegExp(`\\b${name}\\(`).test(code(text));
  const [header, ...helpers] = blocks as [{ name: string; lines: string[] }, ...{ name: string; lines: string[] }[]];
  const needed = new Set<string>();
  // A helper calls only those defined before it: from the last back, each one that needed code calls.
  for (const { name } of [...helpers].reverse()) {
    if (calls(body, name) || helpers.some((other) => needed.has(other.name) && calls(other.lines.join('\n'), name))) needed.add(name);
  }
  const kept = helpers.filter(({ name }) => needed.has(name)).map(({ lines }) => lines.join('\n'));
  return [...header.lines, ...kept].join('\n');
}

/** The scripts as the store defines them (ioredis sends each by its SHA, loading it once). */
export const redisScripts: Record<RedisScriptName | 'aigwBatch', string> = {
  ...(Object.fromEntries(Object.entries(operations).map(([name, body]) => [name, `${preludeFor(body)}\n${body}`])) as Record<RedisScriptName, string>),
  aigwBatch: batch,
};
