-- wrk script: POST the member(cardNo:) lookup (operation MemberByCard, with variables) as a cadre.
-- Environment: BENCH_TOKEN (access token), BENCH_CARDS (file of card numbers, one a line: one
-- card = the warm hot lookup; many = walk the list in order, each request a different member),
-- BENCH_QUERY_FILE (the operation text, JSON-escaped on one line).
-- Run with -t1 so one Lua state walks the list; done() prints one BENCHJSON line.

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if #line > 0 then lines[#lines + 1] = line end
  end
  return lines
end

local token = os.getenv("BENCH_TOKEN") or ""
local cards = read_lines(os.getenv("BENCH_CARDS"))
local qf = io.open(os.getenv("BENCH_QUERY_FILE"), "r")
local query = qf:read("*a"):gsub("%s+$", "")
qf:close()

local function body(card)
  return '{"operationName":"MemberByCard","query":' .. query ..
         ',"variables":{"cardNo":"' .. card .. '"}}'
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.body = body(cards[1])

local n = 0
if #cards > 1 then
  request = function()
    n = n + 1
    local card = cards[((n - 1) % #cards) + 1]
    return wrk.format(nil, nil, nil, body(card))
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p75":%d,"p90":%d,"p99":%d,"p999":%d},' ..
    '"distinct_cards":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), #cards))
end
