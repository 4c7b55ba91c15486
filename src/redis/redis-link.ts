// The connection to the Redis (or Valkey) that every instance shares. No request ever waits for it
// long: while it is down a command fails at once (no offline queue), a slow one fails after
// COMMAND_TIMEOUT_MS, and after any failure Redis is left alone for a moment, so that each use
// goes straight to its per-instance fallback. ioredis reconnects by itself, forever.
import { createRequire } from 'node:module'
import type { Redis, RedisOptions } from 'ioredis'
import { Counter, Gauge } from 'prom-client'
import type { Metrics } from '../observability/metrics.js'

const require = createRequire(import.meta.url)

const COMMAND_TIMEOUT_MS = 500
const CONNECT_TIMEOUT_MS = 2_000
const PAUSE_AFTER_FAILURE_MS = 1_000
const MAX_RECONNECT_DELAY_MS = 2_000

/** The metrics a link adds to the app's registry (only with REDIS_URL), by type. */
export const REDIS_METRICS = {
  tessera_redis_up: 'gauge',
  tessera_redis_fallbacks_total: 'counter',
} as const

/** What fell back to this instance alone because Redis could not be used. */
export type FallbackUse = 'rate_limit' | 'invalidation'

export interface LinkLog {
  info(fields: object, message: string): void
  warn(fields: object, message: string): void
}

export class RedisLink {
  /** Commands on the request path (rate limits, publishing). */
  readonly commands: Redis
  /** A subscribed connection takes no other commands, so subscriptions have their own. */
  readonly subscriber: Redis
  readonly #up: Gauge
  readonly #fallbacks: Counter<'use'>
  #pausedUntil = 0
  #log: LinkLog | undefined
  #closed = false

  constructor(url: string, metrics: Metrics) {
    const options: RedisOptions = {
      connectionName: 'tessera',
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    }
    // Loaded here, with REDIS_URL only: without it the process never carries ioredis. The package
    // is CommonJS, so this is the class `import` would give.
    const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis')
    this.commands = new RedisClient(url, options)
    // Subscribing waits for the connection (the offline queue), and is done again on every
    // reconnection by its user, who then knows what it may have missed.
    this.subscriber = new RedisClient(url, {
      ...options,
      commandTimeout: undefined,
      enableOfflineQueue: true,
      autoResubscribe: false,
    })
    // Prefixed: redis_exporter's `redis_up` says whether Redis runs, this whether tessera reaches it.
    this.#up = new Gauge({
      name: 'tessera_redis_up' satisfies keyof typeof REDIS_METRICS,
      help: 'Whether this instance is connected to the Redis it shares with the others (1) or not (0)',
      registers: [metrics.registry],
    })
    this.#fallbacks = new Counter({
      name: 'tessera_redis_fallbacks_total' satisfies keyof typeof REDIS_METRICS,
      help: 'Uses of shared state that fell back to this instance alone because Redis could not be used',
      labelNames: ['use'] as const,
      registers: [metrics.registry],
    })
    this.#watch()
  }

  /** Whether to try Redis now: connected, and no command failed in the last moment. */
  get available(): boolean {
    return this.commands.status === 'ready' && performance.now() >= this.#pausedUntil
  }

  get connected(): boolean {
    return this.commands.status === 'ready'
  }

  /** A command failed or timed out: every use falls back for a moment rather than wait again. */
  failed(use: FallbackUse, error: unknown): void {
    if (this.available) this.#log?.warn({ use, reason: reasonOf(error) }, 'redis command failed')
    this.#pausedUntil = performance.now() + PAUSE_AFTER_FAILURE_MS
    this.fellBack(use)
  }

  fellBack(use: FallbackUse): void {
    this.#fallbacks.inc({ use })
  }

  ping(): Promise<unknown> {
    return this.commands.ping()
  }

  /** Where changes of the connection's state are logged (the app's logger, once it exists). */
  logTo(log: LinkLog): void {
    this.#log = log
    if (this.connected) this.#logConnected()
  }

  close(): void {
    this.#closed = true
    this.commands.disconnect()
    this.subscriber.disconnect()
  }

  #watch(): void {
    let up = false
    let lastError: unknown
    // Connection errors repeat on every reconnection attempt; only changes of state are logged.
    this.commands.on('error', (error) => {
      lastError = error
    })
    this.subscriber.on('error', () => {})
    this.commands.on('ready', () => {
      up = true
      this.#up.set(1)
      this.#logConnected()
    })
    this.commands.on('close', () => {
      if (up && !this.#closed) {
        this.#log?.warn({ reason: reasonOf(lastError) }, 'redis unavailable: falling back to this instance')
      }
      up = false
      this.#up.set(0)
    })
    this.#up.set(0)
  }

  #logConnected(): void {
    this.#log?.info({}, 'redis connected: rate limits and invalidations are shared')
  }
}

function reasonOf(error: unknown): string {
  const { code, name, message } = (error ?? {}) as { code?: unknown; name?: unknown; message?: unknown }
  if (typeof code === 'string') return code
  if (typeof name === 'string' && name !== 'Error') return name
  return typeof message === 'string' ? message : 'closed'
}
