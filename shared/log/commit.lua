-- Append events and write the records beside the log: all of it, or nothing, and only if
-- nothing the decision read has changed since. No rule of the domain is checked here.
--
-- KEYS      every key the plan names, by index
-- ARGV[1]   the plan (JSON):
--   written  index of the key recording this call's positions (a retried call answers them)
--   checks   [[key, field, expected]]: HGET key field must equal expected ('' = absent)
--   appends  [[stream key, type, ARGV index of the event document]]
--   writes   [['hset', key, field, value, field, value...] | ['zadd', key, score, member]
--            | ['zrem', key, member]]; a value is a string, {arg = n} (ARGV[n]),
--            {position = n} (where append n went) or {positions = true} (all, as JSON)
-- ARGV[2..] the event documents and records the plan refers to
--
-- Answers {'ok', positions as JSON} or {'moved', the key that changed}.
local plan = cjson.decode(ARGV[1])

local done = redis.call('GET', KEYS[plan.written])
if done then return {'ok', done} end

for _, check in ipairs(plan.checks) do
  local found = redis.call('HGET', KEYS[check[1]], check[2]) or ''
  if found ~= check[3] then return {'moved', KEYS[check[1]]} end
end

local positions = {}
for i, append in ipairs(plan.appends) do
  positions[i] = redis.call('XADD', KEYS[append[1]], '*', 'type', append[2],
    'event', ARGV[append[3]])
end
local answer = cjson.encode(positions)

local function value(v)
  if type(v) ~= 'table' then return v end
  if v.arg then return ARGV[v.arg] end
  if v.position then return positions[v.position] end
  return answer
end

for _, write in ipairs(plan.writes) do
  local op, target = write[1], KEYS[write[2]]
  if op == 'hset' then
    local args = {}
    for i = 3, #write do args[#args + 1] = value(write[i]) end
    redis.call('HSET', target, unpack(args))
  elseif op == 'zadd' then
    redis.call('ZADD', target, write[3], write[4])
  elseif op == 'zrem' then
    redis.call('ZREM', target, write[3])
  end
end

redis.call('SET', KEYS[plan.written], answer, 'EX', 86400)
return {'ok', answer}
