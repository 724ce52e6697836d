-- wrk script: replay a file of distinct requests, one a line: PATH \t HEADERS \t BODY
-- (HEADERS: "Name: value" pairs joined by \31). Thread k of n sends lines k, k+n, k+2n, ...
-- and wraps around when its share is used up (the `wrapped` count says how often).
-- Usage: wrk -s wrk_replay.lua URL -- FILE THREADS
local threads, next_id = {}, 1

function setup(thread)
  thread:set("id", next_id)
  table.insert(threads, thread)
  next_id = next_id + 1
end

local function parse_headers(text)
  local headers = {}
  for pair in string.gmatch(text, "[^\31]+") do
    local name, value = pair:match("^([^:]+):%s*(.*)$")
    if name then headers[name] = value end
  end
  return headers
end

function init(args)
  local count = tonumber(args[2])
  reqs, idx, bad, wrapped = {}, 0, 0, 0
  local line_no = 0
  for line in io.lines(args[1]) do
    if line_no % count == id - 1 then
      local path, headers, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(reqs, wrk.format("POST", path, parse_headers(headers), body))
    end
    line_no = line_no + 1
  end
end

function request()
  idx = idx + 1
  if idx > #reqs then
    idx, wrapped = 1, wrapped + 1
  end
  return reqs[idx]
end

function response(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local total_bad, total_wrapped = 0, 0
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
    total_wrapped = total_wrapped + thread:get("wrapped")
  end
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d duration_us=%d p50_us=%d p99_us=%d mean_us=%.1f non2xx=%d wrapped=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    total_bad, total_wrapped, e.connect + e.read + e.write + e.timeout))
end
