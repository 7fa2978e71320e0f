-- wrk script: rotates realistic job searches (text, filters, sorts) so the benchmark is not one cached query.
local queries = {
  "/api/v1/jobs?q=swift",
  "/api/v1/jobs?q=senior+backend+engineer&sort=relevance",
  "/api/v1/jobs?q=engineer&workplace=remote",
  "/api/v1/jobs?q=data&country=DE&sort=salary",
  "/api/v1/jobs?tags=kubernetes&posted_within_days=7",
  "/api/v1/jobs?q=python&employment_type=CONTRACTOR",
  "/api/v1/jobs?min_salary=80000&currency=EUR&sort=salary",
  "/api/v1/jobs?q=nurse&city=Berlin",
  "/api/v1/jobs?q=designer+figma&workplace=hybrid",
  "/api/v1/jobs?country=US&sort=newest",
  "/api/v1/jobs?q=site+reliability&tags=haproxy",
  "/api/v1/jobs?q=ios+developer&min_salary=60000",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", queries[(i % #queries) + 1])
end
