-- wrk script of bench/http_pages.py.
-- Sends requests to the paths given after "--" in turn (each thread starting at
-- its own place in the list), and at the end prints the figures as one JSON line
-- that starts with "BENCH_JSON ". Latencies are in microseconds.

local paths = {}
local position = 0
local threads_set_up = 0

function setup(thread)
  -- Becomes the global `thread_index` of that thread's own Lua state.
  thread:set("thread_index", threads_set_up)
  threads_set_up = threads_set_up + 1
end

function init(args)
  for i = 1, #args do
    paths[i] = args[i]
  end
  if #paths == 0 then
    paths[1] = wrk.path
  end
  position = ((thread_index or 0) * 7) % #paths
end

function request()
  position = position % #paths + 1
  return wrk.format(nil, paths[position])
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"duration_us": %d, "requests": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "max": %d}}\n',
    summary.duration, summary.requests, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
