-- wrk script of the API benchmark (io.pipewright.app.api.Wrk): every request POSTs a new pipeline to the path
-- BENCH_PATH, from the service BENCH_SOURCE to the service BENCH_SINK, with the Authorization header
-- BENCH_AUTHORIZATION. Each request's name is BENCH_NAME_PREFIX, the wrk thread's number and the request's number in
-- that thread: no two requests of a run create pipelines of the same name.
local path = os.getenv("BENCH_PATH")
local source = os.getenv("BENCH_SOURCE")
local sink = os.getenv("BENCH_SINK")
local prefix = os.getenv("BENCH_NAME_PREFIX")
wrk.method = "POST"
wrk.headers["Authorization"] = os.getenv("BENCH_AUTHORIZATION")
wrk.headers["Content-Type"] = "application/json"

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
end

local sent = 0
request = function()
  sent = sent + 1
  local name = prefix .. "-" .. number .. "-" .. sent
  local body = '{"name":"' .. name .. '","pipeline_type":"cdc_pg_to_kafka","source_service_id":"' .. source
      .. '","sink_service_id":"' .. sink .. '","config":{"tables":["orders"],"topic_prefix":"' .. name .. '"}}'
  return wrk.format(nil, path, nil, body)
end
