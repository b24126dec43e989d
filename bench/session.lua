-- wrk script for bench/run's `session` row: members working through drafts as a browser
-- does. Prints one line, "BENCH-RESULT {json}", with the figures (as bench/wrk.lua).
--
-- Each wrk thread is one member with one connection (bench/run gives this row as many
-- threads as connections), so its requests and responses alternate and it can follow them:
-- for each journey of its share it
--   1. opens an answer step (GET, 200) and reads the answer version of its question;
--   2. saves a new answer to that question (POST, 302 back to the step);
--   3. follows the redirect (GET, 200);
--   4. opens the next step, or the review after the last (GET, 200).
-- Threads come in pairs: the two threads of a pair are teammates working through the same
-- drafts at the same time, each on a question of its own, so teammates save meanwhile.
--
-- Environment:
--   BENCH_TARGETS  a Lua file returning the journeys that bench/prepare.py wrote: each a
--                  step's path, the next page's path, and per teammate (1, 2) a signed-in
--                  cookie, the question, a POST body with __version__ and __choice__ to fill
--                  in, and the first choice to send
--   BENCH_THREADS  the number of wrk threads (-t), an even number

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  unexpected = 0
  first_unexpected = ""
  sent = 0
  writes = 0
  reads = 0
  local count = tonumber(os.getenv("BENCH_THREADS") or "2")
  local pairs_count = math.max(1, math.floor(count / 2))
  local pair = math.floor(tid / 2) % pairs_count
  mate = (tid % 2) + 1
  journeys = {}
  for i, journey in ipairs(dofile(os.getenv("BENCH_TARGETS"))) do
    if (i - 1) % pairs_count == pair then
      table.insert(journeys, journey)
    end
  end
  position = 0
  phase = 1
  location = ""
  version = 0
  saves = 0
end

local function journey()
  return journeys[position + 1]
end

local function get(path, cookie)
  reads = reads + 1
  return wrk.format("GET", path, {["Cookie"] = cookie})
end

function request()
  sent = sent + 1
  local j = journey()
  local me = j.mates[mate]
  if phase == 1 then
    return get(j.step, me.cookie)
  elseif phase == 2 then
    writes = writes + 1
    saves = saves + 1
    local body = string.gsub(me.body, "__version__", tostring(version))
    body = string.gsub(body, "__choice__", tostring((me.first + saves) % 6))
    return wrk.format("POST", j.step, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = me.cookie,
    }, body)
  elseif phase == 3 then
    return get(location, me.cookie)
  end
  return get(j.next, me.cookie)
end

local function refuse(status, what)
  unexpected = unexpected + 1
  if first_unexpected == "" then
    first_unexpected = string.gsub(status .. " " .. what, "[^%w/%._%-%?=&: ]", "")
  end
end

function response(status, headers, body)
  local j = journey()
  if phase == 1 then
    if status ~= 200 then
      refuse(status, "opening " .. j.step)
    end
    -- The answer version the page shows for this member's question ("<version>:<digest>").
    local found = string.match(body or "", 'name="q' .. j.mates[mate].question .. '%-state" value="(%d+):')
    version = tonumber(found or "0")
    phase = 2
  elseif phase == 2 then
    location = headers["Location"] or ""
    if status ~= 302 or not string.find(location, "/answer/", 1, true) then
      refuse(status, "saving " .. j.step .. " went to " .. location)
      location = j.step
    end
    -- The redirect names the page and the question saved (#q...): a browser asks for the
    -- page alone.
    location = string.gsub(location, "#.*$", "")
    phase = 3
  elseif phase == 3 then
    if status ~= 200 then
      refuse(status, "following to " .. location)
    end
    phase = 4
  else
    if status ~= 200 then
      refuse(status, "opening " .. j.next)
    end
    phase = 1
    position = (position + 1) % #journeys
  end
end

function done(summary, latency, requests)
  local bad, first, total_sent, total_writes, total_reads = 0, "", 0, 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
    total_sent = total_sent + thread:get("sent")
    total_writes = total_writes + thread:get("writes")
    total_reads = total_reads + thread:get("reads")
    if first == "" then
      first = thread:get("first_unexpected")
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests": %d, "sent": %d, "writes": %d, "reads": %d, '
      .. '"duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "status_errors": %d, '
      .. '"unexpected": %d, "first_unexpected": "%s", "connect_errors": %d, '
      .. '"read_errors": %d, "write_errors": %d, "timeouts": %d}\n',
    summary.requests, total_sent, total_writes, total_reads, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), e.status, bad,
    first, e.connect, e.read, e.write, e.timeout
  ))
end
