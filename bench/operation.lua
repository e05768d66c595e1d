-- wrk script: POST one fixed GraphQL request body, signed in.
-- Environment: BENCH_TOKEN (access token), BENCH_BODY_FILE (the JSON body on one line),
-- BENCH_HEADERS (optional: more headers, one "Name: value" a line).
-- Run with -t1; done() prints one BENCHJSON line, in lookup.lua's shape.

local token = os.getenv("BENCH_TOKEN") or ""
local f = io.open(os.getenv("BENCH_BODY_FILE"), "r")
local body = f:read("*a"):gsub("%s+$", "")
f:close()

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.body = body
for name, value in (os.getenv("BENCH_HEADERS") or ""):gmatch("([^:\n]+):%s*([^\n]*)") do
  wrk.headers[name] = value
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p75":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)))
end
