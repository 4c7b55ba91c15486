// Request rate limits per tenant, by tier (requests per minute, configurable). Counters are kept
// per instance, so with N instances behind a load balancer a tenant gets up to N times its limit,
// unless `store` shares them (see src/redis/rate-limit-store.ts).
//
// The counting is @fastify/rate-limit's own stores; the hook is ours, with the plugin's headers and
// answers: the plugin's hook awaits four promises per request, while the in-memory store answers at
// once, so a request counted in memory goes on without waiting for a microtask.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import LocalStore from '@fastify/rate-limit/store/LocalStore.js'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../../config/config.js'
import { AppError } from '../../../errors/app-error.js'
import { hooksOf } from '../../route-helpers.js'

export interface RateLimitOptions {
  limits: Config['rateLimitPerMinute']
  /** Where the counters are kept; in this instance's memory when absent. */
  store?: FastifyRateLimitStoreCtor | undefined
}

const TIME_WINDOW_MS = 60_000

type Counted = { current: number; ttl: number } | undefined

export type RateLimitHook = (
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
) => void

/**
 * The preHandler hook that counts a request against its tenant's limit: after authentication, so
 * that the tenant (not the address) is what is counted. A request without a tenant is not counted.
 */
export function rateLimitHook(
  store: FastifyRateLimitStore,
  limits: RateLimitOptions['limits'],
): RateLimitHook {
  return (request, reply, done) => {
    if (!request.auth) return done()
    const max = limits[request.tenantTier ?? 'standard']
    // A store that fails lets the request through rather than answer an error.
    store.incr(
      `tenant:${request.auth.tenantId}`,
      (error, counted: Counted) => done(limited(reply, max, error ? undefined : counted)),
      TIME_WINDOW_MS,
      max,
    )
  }
}

/** Sets the limit's headers; the refusal when the request is over it. */
function limited(reply: FastifyReply, max: number, counted: Counted): AppError | undefined {
  const current = counted?.current ?? 0
  const ttl = counted?.ttl ?? 0
  const ttlInSeconds = Math.ceil(ttl / 1000)
  reply.header('x-ratelimit-limit', max)
  if (current <= max) {
    reply.header('x-ratelimit-remaining', Math.max(0, max - current))
    reply.header('x-ratelimit-reset', ttlInSeconds)
    return undefined
  }
  reply.header('x-ratelimit-remaining', 0)
  reply.header('x-ratelimit-reset', ttlInSeconds)
  reply.header('retry-after', ttlInSeconds)
  return new AppError('RATE_LIMITED', undefined, undefined, { retryAfterSeconds: Math.max(1, ttlInSeconds) })
}

async function rateLimit(app: FastifyInstance, { limits, store }: RateLimitOptions) {
  const counters = store
    ? new store({ continueExceeding: false, exponentialBackoff: false })
    : new LocalStore(false, false)
  const hook = rateLimitHook(counters, limits)
  // Public routes are never limited: decided once per route, not on every request.
  app.addHook('onRoute', (route) => {
    if (route.config?.public === true) return
    route.preHandler = [...hooksOf(route.preHandler), hook]
  })
}

export default fp(rateLimit, { name: 'rate-limit', dependencies: ['tenant-standing'] })
