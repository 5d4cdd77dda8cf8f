-- wrk script: committed writes. Each request creates a new wrap-up code (admin), so every
-- 201 is one group-committed SQLite transaction member with its audit row.
local counter = 0
local next_id = 0
thread_id = 0  -- a global: setup() sets it per thread with thread:set()
local token = os.getenv("OUTPOST_TOKEN")
local run = os.getenv("OUTPOST_RUN") or "r"

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

function request()
  counter = counter + 1
  local code = string.format("%s-%d-%d", run, thread_id, counter)
  local body = string.format('{"code":"%s","name":{"zh":"压测代码%d","en":"Load code %d"}}', code, counter, counter)
  return wrk.format("POST", "/api/v1/wrapup-codes",
                    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
