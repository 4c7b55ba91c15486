// `promtool check metrics` over a live scrape of the running server: the exposition parses and
// follows Prometheus' naming rules. CI installs promtool and sets TESSERA_REQUIRE_PROMTOOL=1, so
// there the check cannot be skipped.
import { spawnSync } from 'node:child_process'
import t from 'tap'
import { createTestTable } from '../helpers/dynamodb.js'
import { call } from '../helpers/http-client.js'
import { startServerProcess } from '../helpers/server-process.js'

// prom-client's default metrics name three gauges `*_total`, which promtool's linter flags; they
// are upstream names (dashboards rely on them), so only these exact findings are tolerated.
const UPSTREAM_FINDINGS = new Set([
  'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
])

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' })
const available = promtool.status === 0
const required = process.env.TESSERA_REQUIRE_PROMTOOL === '1'

t.test(
  'promtool is installed where CI requires it',
  { skip: !required && 'not required here' },
  async (t) => {
    t.ok(available, 'promtool runs')
  },
)

t.test(
  'a live /metrics scrape passes promtool check metrics',
  { skip: !available && 'no promtool' },
  async (t) => {
    const { endpoint, tableName } = await createTestTable()
    const server = await startServerProcess({ DYNAMODB_ENDPOINT: endpoint, APP_TABLE_NAME: tableName })
    t.teardown(() => server.child.kill('SIGKILL'))
    for (const path of ['/health/live', '/health/ready', '/v2/groups', '/no/such/route']) {
      await call(server.port, { path })
    }
    const scrape = await call(server.port, { path: '/metrics' })
    t.equal(scrape.kind === 'response' && scrape.status, 200)
    const exposition = scrape.kind === 'response' ? scrape.body : ''
    t.match(exposition, /http_request_duration_seconds_bucket\{/, 'the scrape holds request metrics')

    const check = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' })
    const findings = `${check.stdout}${check.stderr}`
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
    t.strictSame(
      findings.filter((finding) => !UPSTREAM_FINDINGS.has(finding)),
      [],
      'no parse errors and no lint findings of our own',
    )
    // promtool exits 3 for lint findings and 1 for an exposition it cannot parse.
    t.equal(check.status, findings.length > 0 ? 3 : 0, 'only lint findings, never a parse error')

    const broken = spawnSync('promtool', ['check', 'metrics'], {
      input: '# TYPE requests counter\nrequests{a="1" 1\n',
      encoding: 'utf8',
    })
    t.not(broken.status, 0, 'the same check refuses a broken exposition')
  },
)
