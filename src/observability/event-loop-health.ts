import type { HealthCheck } from './health.js'

/**
 * Non-critical: a busy event loop slows every answer but serves them, so it only degrades health
 * (load shedding, not readiness, is what protects the process when it gets worse).
 */
export function eventLoopCheck(currentDelayMs: () => number, maxDelayMs: number): HealthCheck {
  return {
    name: 'event-loop',
    critical: false,
    probe: async () => {
      const delayMs = Math.round(currentDelayMs())
      return delayMs > maxDelayMs
        ? { status: 'degraded', detail: `event-loop delay ${delayMs} ms over ${maxDelayMs} ms` }
        : { status: 'healthy' }
    },
  }
}
