import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { eventLoopCheck } from '../../src/observability/event-loop-health.js'
import { type CheckResult, type HealthCheck, runCheck, summarise } from '../../src/observability/health.js'

const timing = { timeoutMs: 200, degradedAfterMs: 50 }

const check = (probe: HealthCheck['probe'], critical = true): HealthCheck => ({
  name: 'probe',
  critical,
  probe,
})

t.test('a prompt answer is healthy and timed', async (t) => {
  const result = await runCheck(
    check(async () => ({ status: 'healthy' })),
    timing,
  )
  t.strictSame(Object.keys(result).sort(), ['critical', 'durationMs', 'name', 'status'])
  t.match(result, { name: 'probe', status: 'healthy', critical: true })
  t.ok(result.durationMs >= 0 && result.durationMs < 50)
})

t.test('an answer slower than the threshold is degraded', async (t) => {
  const result = await runCheck(
    check(async () => {
      await sleep(80)
      return undefined
    }),
    timing,
  )
  t.equal(result.status, 'degraded')
  t.match(result.detail, /slower than 50 ms/)
  t.ok(result.durationMs >= 75)
})

t.test('no answer within the timeout is unhealthy, and the probe is aborted', async (t) => {
  let aborted = false
  const started = performance.now()
  const result = await runCheck(
    check(async (signal) => {
      signal.addEventListener('abort', () => {
        aborted = true
      })
      await sleep(5_000, undefined, { signal }).catch(() => {})
      return undefined
    }),
    timing,
  )
  t.equal(result.status, 'unhealthy')
  t.match(result.detail, /no answer within 200 ms/)
  t.ok(performance.now() - started < 1_000, 'returns at the timeout, not when the probe gives up')
  t.ok(aborted, 'the probe was told to stop')
})

t.test('a failing critical check is unhealthy, with a name or code and no message', async (t) => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:8000'), { code: 'ECONNREFUSED' })
  const byCode = await runCheck(
    check(async () => {
      throw refused
    }),
    timing,
  )
  t.match(byCode, { status: 'unhealthy', detail: 'ECONNREFUSED' })
  t.notMatch(JSON.stringify(byCode), /10\.0\.0\.7/, 'no address leaks out')
  class ResourceNotFoundException extends Error {
    override name = 'ResourceNotFoundException'
  }
  const byName = await runCheck(
    check(async () => {
      throw new ResourceNotFoundException('Cannot do operations on a non-existent table')
    }),
    timing,
  )
  t.match(byName, { status: 'unhealthy', detail: 'ResourceNotFoundException' })
})

t.test('a failing non-critical check only degrades', async (t) => {
  const thrown = await runCheck(
    check(async () => {
      throw new Error('boom')
    }, false),
    timing,
  )
  t.match(thrown, { status: 'degraded', critical: false })
  const reported = await runCheck(
    check(async () => ({ status: 'unhealthy', detail: 'bad' }), false),
    timing,
  )
  t.match(reported, { status: 'degraded', detail: 'bad' })
  const critical = await runCheck(
    check(async () => ({ status: 'unhealthy', detail: 'table is DELETING' })),
    timing,
  )
  t.match(critical, { status: 'unhealthy', detail: 'table is DELETING' })
})

t.test('the overall status is the worst check', async (t) => {
  const result = (status: CheckResult['status']): CheckResult => ({
    name: status,
    status,
    critical: true,
    durationMs: 1,
  })
  t.match(summarise([result('healthy'), result('healthy')]), {
    status: 'healthy',
    summary: '2 of 2 checks healthy',
  })
  t.match(summarise([result('healthy'), result('degraded')]), {
    status: 'degraded',
    summary: '1 of 2 checks healthy',
  })
  t.match(summarise([result('degraded'), result('unhealthy'), result('healthy')]), {
    status: 'unhealthy',
    summary: '1 of 3 checks healthy',
  })
  t.equal(summarise([]).status, 'healthy')
})

t.test('the event-loop check degrades above its threshold', async (t) => {
  let delay = 10
  const eventLoop = eventLoopCheck(() => delay, 100)
  t.equal(eventLoop.critical, false)
  t.match(await runCheck(eventLoop, timing), { name: 'event-loop', status: 'healthy' })
  delay = 250
  t.match(await runCheck(eventLoop, timing), {
    status: 'degraded',
    detail: 'event-loop delay 250 ms over 100 ms',
  })
})
