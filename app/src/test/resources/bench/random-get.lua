-- wrk script of the API benchmark (io.pipewright.app.api.Wrk): every request GETs a path picked at random from the
-- file named by BENCH_PATHS (one per line), with the Authorization header BENCH_AUTHORIZATION when it is not empty.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  paths[#paths + 1] = line
end
local authorization = os.getenv("BENCH_AUTHORIZATION")
if authorization ~= nil and authorization ~= "" then
  wrk.headers["Authorization"] = authorization
end

request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
