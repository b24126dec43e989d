-- wrk script for bench/run. Prints one line, "BENCH-RESULT {json}", with the figures.
--
-- Environment:
--   BENCH_EXPECT   the status every response must have (200 for pages, 302 for the POST)
--   BENCH_TARGETS  a Lua file returning the targets that bench/prepare.py wrote: each a
--                  path and a signed-in cookie (a GET), or also a body (a POST, which
--                  fills in the answer version it expects: the stored one, plus one per
--                  save sent). Each thread cycles through its share of them. Without it,
--                  every request is wrk's own (the URL and headers on its command line).
--   BENCH_THREADS  the number of wrk threads (-t), to share the targets out

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  expect = tonumber(os.getenv("BENCH_EXPECT") or "200")
  unexpected = 0
  first_unexpected = ""
  sent = 0
  local path = os.getenv("BENCH_TARGETS") or ""
  if path ~= "" then
    local count = tonumber(os.getenv("BENCH_THREADS") or "1")
    targets = {}
    for i, target in ipairs(dofile(path)) do
      if (i - 1) % count == tid then
        table.insert(targets, target)
      end
    end
    position = 0
  end
end

function request()
  sent = sent + 1
  if not targets then
    return wrk.format()
  end
  local t = targets[position + 1]
  position = (position + 1) % #targets
  if not t.body then
    return wrk.format("GET", t.path, {["Cookie"] = t.cookie})
  end
  local body = string.gsub(t.body, "__version__", tostring(t.version))
  body = string.gsub(body, "__choice__", tostring((t.first + t.sent) % 6))
  t.version = t.version + 1
  t.sent = t.sent + 1
  return wrk.format("POST", t.path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = t.cookie,
  }, body)
end

function response(status, headers, body)
  local ok = status == expect
  if ok and targets and expect == 302 then
    -- A save answers with a redirect back to its answer page (not to sign-in or results).
    ok = string.find(headers["Location"] or "", "/answer/", 1, true) ~= nil
  end
  if not ok then
    unexpected = unexpected + 1
    if first_unexpected == "" then
      local location = string.gsub(headers["Location"] or "", "[^%w/%._%-%?=&:]", "")
      first_unexpected = status .. " " .. location
    end
  end
end

function done(summary, latency, requests)
  local bad, first, total_sent = 0, "", 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
    total_sent = total_sent + thread:get("sent")
    if first == "" then
      first = thread:get("first_unexpected")
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests": %d, "sent": %d, "duration_us": %d, "p50_us": %d, '
      .. '"p95_us": %d, "p99_us": %d, "status_errors": %d, "unexpected": %d, '
      .. '"first_unexpected": "%s", "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "timeouts": %d}\n',
    summary.requests, total_sent, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), e.status, bad, first,
    e.connect, e.read, e.write, e.timeout
  ))
end
