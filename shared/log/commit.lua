-- Append the events of one or more tasks and move their records: all of them, or nothing.
--
-- KEYS[1]  the closed years (hash: year -> closed_at)
-- KEYS[2]  the idempotency record of the request (a placeholder when it has no key)
-- KEYS[3..] the streams, records, slot sets and pending queues the plan names by index
-- ARGV[1]  the plan (JSON): {idempotency: request hash or false, tasks: [{
--            task_id, year, record, expect (version), event_id, stream, type, document,
--            state, status, slots, quota (max live tasks, or 0), slot ('add'|'remove'|''),
--            pending, queue ('add'|'remove'|''), score, basis (true for a registration or
--            an amendment: its position is the registration's as it stands), and for a
--            registration or amendment that relied on a roster: roster (the year's roster
--            hash), roster_id (the event id of the roster it relied on, "" for none) }]};
--            document and state are ARGV indexes of the event's JSON and the new state's
--
-- Answers {'ok', positions (JSON list, one per task)}, {'replay', the first answer},
-- {'closed', year}, {'moved', task id} (the task changed since it was read: decide again),
-- {'roster', year} (another roster is in force: decide again) or {'quota', task id}.
local plan = cjson.decode(ARGV[1])
local tasks = plan.tasks

if plan.idempotency then
  local seen = redis.call('GET', KEYS[2])
  if seen then return {'replay', seen} end
end

-- The same call run again (a client library retrying after a lost reply): its events are
-- already in the log; answer where they are, write nothing.
if redis.call('HGET', KEYS[tasks[1].record], 'last_event') == tasks[1].event_id then
  local positions = {}
  for i, task in ipairs(tasks) do
    positions[i] = redis.call('HGET', KEYS[task.record], 'last_position')
  end
  return {'ok', cjson.encode(positions)}
end

for _, task in ipairs(tasks) do
  if redis.call('HEXISTS', KEYS[1], task.year) == 1 then return {'closed', task.year} end
  local version = tonumber(redis.call('HGET', KEYS[task.record], 'version') or '0')
  if version ~= task.expect then return {'moved', task.task_id} end
  if task.roster and (redis.call('HGET', KEYS[task.roster], 'event_id') or '') ~= task.roster_id then
    return {'roster', task.year}
  end
  if task.quota > 0 and redis.call('SCARD', KEYS[task.slots]) >= task.quota then
    return {'quota', task.task_id}
  end
end

local positions = {}
for i, task in ipairs(tasks) do
  local position = redis.call('XADD', KEYS[task.stream], '*',
    'type', task.type, 'event', ARGV[task.document])
  positions[i] = position
  redis.call('HSET', KEYS[task.record], 'state', ARGV[task.state], 'version', task.expect + 1,
    'status', task.status, 'last_event', task.event_id, 'last_position', position)
  if task.basis then redis.call('HSET', KEYS[task.record], 'basis_position', position) end
  if task.slot == 'add' then
    redis.call('SADD', KEYS[task.slots], task.task_id)
  elseif task.slot == 'remove' then
    redis.call('SREM', KEYS[task.slots], task.task_id)
  end
  if task.queue == 'add' then
    redis.call('ZADD', KEYS[task.pending], task.score, task.task_id)
  elseif task.queue == 'remove' then
    redis.call('ZREM', KEYS[task.pending], task.task_id)
  end
end

local answer = cjson.encode(positions)
if plan.idempotency then
  redis.call('SET', KEYS[2], cjson.encode({hash = plan.idempotency, positions = positions,
    events = plan.events}))
end
return {'ok', answer}
