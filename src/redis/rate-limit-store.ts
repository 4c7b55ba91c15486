// Rate-limit counters shared by every instance: @fastify/rate-limit's own Redis store (one atomic
// script per request), with its own in-memory store beside it for whenever Redis cannot be used.
// A tenant then gets its limit on each instance until Redis is back, and never an error.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import LocalStore from '@fastify/rate-limit/store/LocalStore.js'
import RedisStore from '@fastify/rate-limit/store/RedisStore.js'
import type { RedisLink } from './redis-link.js'

type Callback = Parameters<FastifyRateLimitStore['incr']>[1]
type RouteOptions = Parameters<FastifyRateLimitStore['child']>[0]

interface StoreOptions {
  continueExceeding?: boolean
  exponentialBackoff?: boolean
}

class FallbackStore implements FastifyRateLimitStore {
  constructor(
    private readonly shared: FastifyRateLimitStore,
    private readonly local: FastifyRateLimitStore,
    private readonly link: RedisLink,
  ) {}

  incr(key: string, callback: Callback, timeWindow: number, max: number): void {
    if (!this.link.available) {
      this.link.fellBack('rate_limit')
      this.local.incr(key, callback, timeWindow, max)
      return
    }
    this.shared.incr(
      key,
      (error, result) => {
        if (!error) return callback(null, result)
        this.link.failed('rate_limit', error)
        this.local.incr(key, callback, timeWindow, max)
      },
      timeWindow,
      max,
    )
  }

  child(routeOptions: RouteOptions): FastifyRateLimitStore {
    return new FallbackStore(this.shared.child(routeOptions), this.local.child(routeOptions), this.link)
  }
}

/** The store for @fastify/rate-limit's `store` option; keys start with `namespace`. */
export function sharedRateLimitStore(link: RedisLink, namespace: string): FastifyRateLimitStoreCtor {
  return class SharedRateLimitStore extends FallbackStore {
    constructor(options: StoreOptions) {
      const { continueExceeding = false, exponentialBackoff = false } = options
      super(
        new RedisStore(continueExceeding, exponentialBackoff, link.commands, namespace),
        new LocalStore(continueExceeding, exponentialBackoff),
        link,
      )
    }
  }
}
