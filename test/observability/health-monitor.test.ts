import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import type { HealthCheck } from '../../src/observability/health.js'
import { HealthMonitor } from '../../src/observability/health-monitor.js'

function countingCheck(delayMs = 0) {
  const state = { probes: 0, fail: false }
  const check: HealthCheck = {
    name: 'counted',
    critical: true,
    probe: async () => {
      state.probes++
      if (delayMs) await sleep(delayMs)
      if (state.fail) throw new Error('down')
      return undefined
    },
  }
  return { check, state }
}

const timing = { timeoutMs: 1_000, degradedAfterMs: 500 }

t.test('results are reused within the cache TTL and refreshed after it', async (t) => {
  let now = 0
  const { check, state } = countingCheck()
  const monitor = new HealthMonitor([check], { ...timing, cacheTtlMs: 2_000 }, () => now)
  t.equal((await monitor.report()).status, 'healthy')
  state.fail = true
  now = 1_999
  t.equal((await monitor.report()).status, 'healthy', 'cached')
  t.equal(state.probes, 1)
  now = 2_000
  t.equal((await monitor.report()).status, 'unhealthy', 'probed again after the TTL')
  t.equal(state.probes, 2)
})

t.test('concurrent callers share one probe', async (t) => {
  const { check, state } = countingCheck(50)
  const monitor = new HealthMonitor([check], { ...timing, cacheTtlMs: 0 })
  const reports = await Promise.all(Array.from({ length: 25 }, () => monitor.report()))
  t.equal(state.probes, 1)
  t.ok(reports.every((report) => report === reports[0]))
})

t.test('a TTL of 0 probes on every sequential call', async (t) => {
  const { check, state } = countingCheck()
  const monitor = new HealthMonitor([check], { ...timing, cacheTtlMs: 0 })
  await monitor.report()
  await monitor.report()
  await monitor.report()
  t.equal(state.probes, 3)
})

t.test('every check runs, at the same time', async (t) => {
  const slow = countingCheck(100)
  const other = countingCheck(100)
  const monitor = new HealthMonitor([slow.check, { ...other.check, name: 'other' }], {
    ...timing,
    cacheTtlMs: 0,
  })
  const started = performance.now()
  const report = await monitor.report()
  t.strictSame(
    report.checks.map((check) => check.name),
    ['counted', 'other'],
  )
  t.ok(performance.now() - started < 190, 'in parallel, not one after the other')
})
