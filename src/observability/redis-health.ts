import type { HealthCheck } from './health.js'

export interface RedisProbe {
  readonly connected: boolean
  ping(): Promise<unknown>
}

/**
 * Not critical: without Redis every instance still serves, counting rate limits alone and relying
 * on cache TTLs, so an outage degrades health but never readiness.
 */
export function redisCheck(redis: RedisProbe): HealthCheck {
  return {
    name: 'redis',
    critical: false,
    probe: async () => {
      if (!redis.connected) return { status: 'degraded', detail: 'not connected' }
      await redis.ping()
      return { status: 'healthy' }
    },
  }
}
