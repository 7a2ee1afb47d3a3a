-- wrk script of bench/petition_signing.py: every request signs the petition with an
-- account of its own, through the API, and at the end the figures are printed as one
-- JSON line starting with "BENCH_JSON " (as bench/wrk_report.lua prints them).
--
-- Arguments after "--": the file of API tokens (one a line), the number of wrk threads,
-- and the provinces' codes (comma-separated) that signers give in turn; every fifth
-- signer gives none. Thread i sends the tokens i+1, i+1+threads, ... so that no token is
-- used twice. A thread out of tokens stops, its last request sent with no valid token:
-- the 401 counts among wrk's status errors, and the benchmark says to give more accounts.

local tokens = {}
local provinces = {}
local position = 0
local step = 1
local threads_set_up = 0

function setup(thread)
  thread:set("thread_index", threads_set_up)
  threads_set_up = threads_set_up + 1
end

function init(args)
  for line in io.lines(args[1]) do
    tokens[#tokens + 1] = line
  end
  step = tonumber(args[2])
  for code in string.gmatch(args[3], "[^,]+") do
    provinces[#provinces + 1] = code
  end
  position = (thread_index or 0) + 1 - step
  wrk.method = "POST"
end

-- wrk.format takes these headers instead of wrk.headers, not beside them.
function headers(token)
  return {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
end

-- The form a signer sends: the one `signer_form` of the benchmark makes for the same row.
function signer_form(number)
  if number % 5 == 0 then
    return "display_name=bench"
  end
  return "display_name=bench&region=" .. provinces[number % #provinces + 1]
end

function request()
  position = position + step
  if position > #tokens then
    wrk.thread:stop()
    return wrk.format(nil, nil, headers("none"), signer_form(position))
  end
  return wrk.format(nil, nil, headers(tokens[position]), signer_form(position))
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
