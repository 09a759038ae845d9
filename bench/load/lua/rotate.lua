-- Requests for wrk, rotated from a file of lines "METHOD<TAB>PATH<TAB>BODY<TAB>HEADER" (BODY and
-- HEADER, one "Name: value" for that request only, optional), with the headers given by -H. Second argument "xff": a different X-Forwarded-For per request
-- (addresses from 198.18.0.0/15, the benchmarking range, written in a header only: no traffic
-- goes there), so per-address rate limits see many citizens behind the proxy, as in production.
-- done() prints one line "WRKJSON {...}" that bench/load/wrk.py reads.
local reqs = {}
local xff = false
local n = 0
local counter = 0
tid = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  xff = args[2] == "xff"
  for line in io.lines(args[1]) do
    local f = {}
    for field in (line .. "\t"):gmatch("([^\t]*)\t") do table.insert(f, field) end
    if f[1] and f[1] ~= "" then
      local b = f[3]
      if b == "" then b = nil end
      local hk, hv = nil, nil
      if f[4] and f[4] ~= "" then hk, hv = f[4]:match("^([^:]+):%s*(.*)$") end
      table.insert(reqs, {f[1], f[2], b, hk, hv})
    end
  end
  n = math.floor(tonumber(tid) * 1000003 % 97)
end

function request()
  n = n + 1
  local r = reqs[(n - 1) % #reqs + 1]
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end
  if r[4] then h[r[4]] = r[5] end
  if xff then
    local i = (tonumber(tid) * 65536 + n) % 131072
    h["X-Forwarded-For"] = string.format("198.%d.%d.%d", 18 + math.floor(i / 65536),
                                         math.floor(i / 256) % 256, i % 256)
  end
  return wrk.format(r[1], r[2], h, r[3])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"status_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p95_us":%d,' ..
    '"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
