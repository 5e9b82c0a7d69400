-- wrk script: POST /tasks with a new registrant on every request (no quota refusals).
-- Each wrk thread numbers its own requests; the thread id keeps registrants distinct.
-- A run's id (wrk ... -s register.lua URL -- RUN) keeps registrants distinct across runs on
-- the same log.
local counter = 0
local thread_id = 0
local threads = {}
local year = os.date("!%Y")
local run = "0"

function init(args)
  run = args[1] or "0"
end

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

request = function()
  counter = counter + 1
  local body = string.format([[{"year": %s,
 "registrant": {"id": "wrk-%s-%d-%d", "name": "Phạm Quang Hưng",
  "position": "Chủ tịch UBND huyện Kim Thành", "level": "district_leader"},
 "unit": {"code": "unit-%03d", "name": "Huyện Kim Thành"},
 "title": "Đẩy nhanh giải phóng mặt bằng các công trình giao thông trọng điểm",
 "category": "socio_economic", "kind": "breakthrough",
 "targets": [{"metric": "projects cleared", "unit": "project", "target": 26},
             {"metric": "area cleared", "unit": "ha", "target": 287}],
 "deadline": "%s-12-31"}]], year, run, thread_id, counter, counter % 120, year)
  return wrk.format("POST", "/tasks", {["content-type"] = "application/json"}, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d non2xx=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, errors.status + errors.connect + errors.read
      + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
