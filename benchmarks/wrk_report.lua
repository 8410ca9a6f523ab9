-- wrk script for benchmarks/load.py: sends the session cookie given in BENCH_COOKIE, sums
-- the Server-Timing header that benchmarks/probe.py adds (time in the application and in
-- DynamoDB calls), and prints one line of JSON at the end.
local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  db_ms, app_ms, timed, db_calls, bad = 0, 0, 0, 0, 0
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
  local timing = headers["Server-Timing"] or headers["server-timing"]
  if timing then
    local db = timing:match("db;dur=([%d%.]+)")
    local app = timing:match("app;dur=([%d%.]+)")
    local calls = timing:match('desc="(%d+)"')
    if db and app then
      db_ms = db_ms + tonumber(db)
      app_ms = app_ms + tonumber(app)
      timed = timed + 1
    end
    if calls then
      db_calls = db_calls + tonumber(calls)
    end
  end
end

function done(summary, latency, requests)
  local db, app, n, calls, nbad = 0, 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    db = db + thread:get("db_ms")
    app = app + thread:get("app_ms")
    n = n + thread:get("timed")
    calls = calls + thread:get("db_calls")
    nbad = nbad + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "socket_errors": %d, "non_200": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, ' ..
    '"timed": %d, "db_ms": %.3f, "app_ms": %.3f, "db_calls": %d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, nbad,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, n, db, app, calls))
end
