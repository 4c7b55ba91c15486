// Clocks a test moves instead of waiting for time to pass.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Clock } from '../../src/services/clock.js'

interface TestLike {
  teardown(fn: () => unknown): void
}

/**
 * An app Clock (buildTestApp's `clock`) that moves `stepMs` on at every reading, from `start`: every
 * write gets a time of its own, in order, and a test reads a time between two writes by reading it.
 */
export function steppingClock(start: number, stepMs = 1): Clock {
  let next = start
  return () => {
    const now = new Date(next)
    next += stepMs
    return now
  }
}

export interface MovableClocks {
  /** Moves both clocks `ms` on; resolves once caches that keep a reading for a millisecond have let it go. */
  advance(ms: number): Promise<void>
}

/**
 * The process's own clocks (Date.now and performance.now), moved by the test, for code that reads
 * them itself rather than the app's Clock: fast-jwt's exp check, the verified-token memory, the JWKS
 * refresh interval. Install them before the app is built, so that what keeps a reference to
 * Date.now keeps this one. They are put back when `t` ends.
 */
export function movableClocks(t: TestLike): MovableClocks {
  const dateNow = Date.now
  const performanceNow = performance.now
  let offsetMs = 0
  Date.now = () => dateNow() + offsetMs
  performance.now = () => performanceNow.call(performance) + offsetMs
  t.teardown(() => {
    Date.now = dateNow
    performance.now = performanceNow
  })
  return {
    async advance(ms) {
      offsetMs += ms
      await sleep(2)
    },
  }
}
