import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'
import { captureLogs } from '../../../helpers/log-capture.js'

t.test(
  'under pressure: data routes answer 503 in the envelope with Retry-After; probes still answer',
  async (t) => {
    // Any heap is over one byte: the app is under pressure from its first sample (about 1 s) on.
    const logs = captureLogs()
    const { app, as } = await buildTestApp(t, {
      env: { LOAD_SHED_MAX_HEAP_USED_BYTES: '1', LOAD_SHED_RETRY_AFTER_SECONDS: '7' },
      logStream: logs.stream,
    })
    const alice = as('acme', 'alice')
    const deadline = Date.now() + 5_000
    while (!app.isUnderPressure() && Date.now() < deadline) await sleep(50)
    t.ok(app.isUnderPressure(), 'the sampler saw the heap')

    for (const request of [
      { method: 'GET' as const, url: '/v2/groups' },
      { method: 'POST' as const, url: '/v2/groups', payload: { name: 'x', groupType: 'team' } },
    ]) {
      const shed = await alice({ ...request, headers: { 'x-correlation-id': 'shed-1' } })
      t.equal(shed.statusCode, 503, `${request.method} ${request.url}`)
      t.match(shed.json(), {
        success: false,
        error: { code: 'SERVICE_UNAVAILABLE' },
        correlationId: 'shed-1',
      })
      t.equal(shed.headers['retry-after'], '7')
      t.equal(shed.headers['x-correlation-id'], 'shed-1')
      t.equal(shed.headers['x-content-type-options'], 'nosniff', 'with the security headers')
    }
    const shedLines = logs.lines().filter((line) => line.correlationId === 'shed-1')
    t.strictSame(
      shedLines.map((line) => [line.level, line.msg]),
      [
        ['warn', 'request shed under load'],
        ['info', 'request completed'],
        ['warn', 'request shed under load'],
        ['info', 'request completed'],
      ],
      'a shed request is a warning, not an error',
    )

    for (const url of ['/health/live', '/health/ready', '/health', '/metrics']) {
      t.equal((await app.inject({ method: 'GET', url })).statusCode, 200, `${url} is never shed`)
    }
  },
)

t.test('below the thresholds nothing is shed', async (t) => {
  const { app, as } = await buildTestApp(t, {
    env: { LOAD_SHED_MAX_HEAP_USED_BYTES: String(8 * 1024 ** 3) },
  })
  await sleep(1_100)
  t.notOk(app.isUnderPressure())
  const listed = await as('acme', 'alice')({ method: 'GET', url: '/v2/groups' })
  t.equal(listed.statusCode, 200)
})
