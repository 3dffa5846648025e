-- wrk reporter: one JSON line with throughput, latency percentiles (ms) and errors.
-- The request itself is fixed by the command line (method, body, headers).
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
if body and body ~= "" then wrk.body = body end
local headers = os.getenv("WRK_HEADERS") or ""
for line in string.gmatch(headers, "[^\n]+") do
  local name, value = string.match(line, "^([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    'WRK {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "errors": %d, "status_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, summary.errors.status))
end
