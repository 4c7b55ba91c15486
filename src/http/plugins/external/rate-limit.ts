// Request rate limits per tenant, by tier (requests per minute, configurable). Counters are kept
// per instance, so with N instances behind a load balancer a tenant gets up to N times its limit,
// unless `store` shares them (see src/redis/rate-limit-store.ts).
import fastifyRateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../../config/config.js'
import { AppError } from '../../../errors/app-error.js'

export interface RateLimitOptions {
  limits: Config['rateLimitPerMinute']
  /** Where the counters are kept; in this instance's memory when absent. */
  store?: FastifyRateLimitStoreCtor | undefined
}

async function rateLimit(app: FastifyInstance, { limits, store }: RateLimitOptions) {
  await app.register(fastifyRateLimit, {
    global: true,
    ...(store && { store }),
    // A store that fails lets the request through rather than answer an error.
    skipOnError: true,
    // After authentication, so that the tenant (not the address) is what is counted.
    hook: 'preHandler',
    timeWindow: 60_000,
    max: (request: FastifyRequest) => limits[request.tenantTier ?? 'standard'],
    keyGenerator: (request: FastifyRequest) =>
      request.auth ? `tenant:${request.auth.tenantId}` : `ip:${request.ip}`,
    allowList: (request: FastifyRequest) => request.routeOptions.config.public === true || !request.auth,
    addHeadersOnExceeding: {
      'x-ratelimit-limit': true,
      'x-ratelimit-remaining': true,
      'x-ratelimit-reset': true,
    },
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', undefined, undefined, {
        retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)),
      }),
  })
}

export default fp(rateLimit, { name: 'rate-limit', dependencies: ['tenant-standing'] })
