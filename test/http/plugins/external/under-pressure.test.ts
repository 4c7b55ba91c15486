import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { LARGE_BODY_BYTES } from '../../../../src/http/plugins/external/under-pressure.js'
import { buildTestApp } from '../../../helpers/app.js'
import { captureLogs } from '../../../helpers/log-capture.js'
import { until } from '../../../helpers/until.js'

// A batch well over LARGE_BODY_BYTES.
const largeBatch = {
  items: Array.from({ length: 100 }, (_, i) => ({
    name: `group ${i}`,
    groupType: 'team',
    description: 'd'.repeat(1000),
  })),
}

t.test(
  'under memory pressure: requests with a large body get 503 in the envelope with Retry-After; the rest are served',
  async (t) => {
    // Any heap is over one byte: the app is under pressure from its first sample (about 1 s) on.
    const logs = captureLogs()
    const { app, as } = await buildTestApp(t, {
      env: { LOAD_SHED_MAX_HEAP_USED_BYTES: '1', LOAD_SHED_RETRY_AFTER_SECONDS: '7' },
      logStream: logs.stream,
    })
    const alice = as('acme', 'alice')
    await until(() => app.isUnderPressure(), 5_000)
    t.ok(app.isUnderPressure(), 'the sampler saw the heap')
    t.ok(JSON.stringify(largeBatch).length > LARGE_BODY_BYTES)

    for (const request of [
      { method: 'POST' as const, url: '/v2/groups/batch', payload: largeBatch },
      {
        method: 'POST' as const,
        url: '/v2/groups/batch',
        payload: JSON.stringify(largeBatch),
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      },
    ]) {
      const shed = await alice({ ...request, headers: { ...request.headers, 'x-correlation-id': 'shed-1' } })
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

    // What adds little memory is still served, so a process whose memory stays up after a spike
    // does not refuse everything.
    t.equal((await alice({ method: 'GET', url: '/v2/groups' })).statusCode, 200, 'a read')
    const small = { method: 'POST' as const, url: '/v2/groups', payload: { name: 'x', groupType: 'team' } }
    t.equal((await alice(small)).statusCode, 201, 'a small write')
    for (const url of ['/health/live', '/health/ready', '/health', '/metrics']) {
      t.equal((await app.inject({ method: 'GET', url })).statusCode, 200, `${url} is never shed`)
    }
  },
)

t.test('under event-loop pressure every request but the probes is shed', async (t) => {
  const { app, as } = await buildTestApp(t, { env: { LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '1' } })
  const alice = as('acme', 'alice')
  const deadline = Date.now() + 5_000
  while (!app.isUnderPressure() && Date.now() < deadline) {
    // Keep the event loop busy for a while so the mean delay of a sample is over 1 ms.
    const until = performance.now() + 30
    while (performance.now() < until);
    await sleep(5)
  }
  t.ok(app.isUnderPressure(), 'the sampler saw the delay')
  const shed = await alice({ method: 'GET', url: '/v2/groups' })
  t.equal(shed.statusCode, 503)
  t.equal(shed.headers['retry-after'], '5')
  t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200)
})

t.test('below the thresholds nothing is shed', async (t) => {
  const { app, as } = await buildTestApp(t, {
    env: { LOAD_SHED_MAX_HEAP_USED_BYTES: String(8 * 1024 ** 3) },
  })
  await sleep(1_100)
  t.notOk(app.isUnderPressure())
  const listed = await as('acme', 'alice')({ method: 'GET', url: '/v2/groups' })
  t.equal(listed.statusCode, 200)
})
