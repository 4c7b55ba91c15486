// Operations: health probes, graceful shutdown, HTTP server timeouts, load shedding, and the Redis
// the instances share. Durations are milliseconds; a load-shedding threshold of 0 turns that
// threshold off.
import { z } from 'zod'
import { booleanFlag, fraction, integer } from './env-values.js'

/**
 * Requests are admitted before their bodies arrive and grow after that, so shedding starts with
 * room to spare: at 70% of the memory the process may use (RSS), and at 80% of V8's heap limit,
 * past which V8 spends its time collecting and then aborts. On a 512 MB task, RSS sheds near 360 MB.
 */
export const RSS_SHARE_OF_MEMORY_LIMIT = 0.7
export const HEAP_SHARE_OF_HEAP_LIMIT = 0.8

const percent = (share: number) => `${Math.round(share * 100)}%`

export const operationsVariables = {
  OPS_PORT: integer(0, 65535).default(0).meta({
    description:
      'a second listener (same host) for `/metrics` and health with details; `/metrics` then leaves `PORT` (0: none)',
  }),
  HEALTH_CACHE_TTL_MS: integer(0, 60_000).default(2_000).meta({
    description: 'how long one health probe result is reused (0: probe on every request)',
  }),
  HEALTH_PROBE_TIMEOUT_MS: integer(1, 30_000)
    .default(1_000)
    .meta({ description: 'a probe with no answer by then is unhealthy' }),
  HEALTH_DEGRADED_AFTER_MS: integer(1)
    .default(500)
    .meta({ description: 'a probe answering slower than this is degraded' }),
  HEALTH_MAX_EVENT_LOOP_DELAY_MS: integer(1)
    .default(200)
    .meta({ description: 'event-loop delay above this reports degraded' }),
  HEALTH_DETAILS: booleanFlag.default(false).meta({
    description:
      'health answers on `PORT` say why a check failed (`detail`); off, only the log and `OPS_PORT` do',
  }),
  SHUTDOWN_TIMEOUT_MS: integer(1_000, 120_000).default(25_000).meta({
    description: "from SIGTERM to exit, whatever happens (keep it below ECS's `stopTimeout`)",
  }),
  SHUTDOWN_DRAIN_DELAY_MS: integer(0, 120_000).default(0).meta({
    description:
      'after SIGTERM, readiness is 503 but requests are still served this long before the listener closes',
  }),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: integer(1_000).default(65_000).meta({
    description:
      "idle keep-alive connections are kept this long (above the ALB's 60 s); the headers timeout is 1 s more",
  }),
  HTTP_REQUEST_TIMEOUT_MS: integer(0).default(120_000).meta({
    description:
      'a whole request must have arrived by then, or it gets 408 (0: off; else at least the headers timeout)',
  }),
  HTTP_LINGER_TIMEOUT_MS: integer(1, 120_000).default(5_000).meta({
    description: 'a connection answered before its body arrived (413, 401, 415) is drained at most this long',
  }),
  HTTP_LINGER_MAX_BYTES: integer(0)
    .default(64 * 1024 * 1024)
    .meta({
      description: 'a connection answered before its body arrived is drained of at most this many bytes',
    }),
  LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: integer(0).default(1_000).meta({
    description: 'shed requests (503) while the mean event-loop delay over the last second is above this',
  }),
  LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: fraction.default(0).meta({
    description: 'shed requests while event-loop utilisation over the last second is above this fraction',
  }),
  MEMORY_LIMIT_BYTES: integer(64 * 1024 ** 2)
    .optional()
    .meta({
      description:
        'what the process may use (set it to the task size); sizes the memory thresholds below, enforces nothing',
      defaultText: "the container's cgroup limit, else the machine's memory",
    }),
  LOAD_SHED_MAX_HEAP_USED_BYTES: integer(0)
    .optional()
    .meta({
      description: 'refuse requests with a large body (503) while V8 heap used is above this',
      defaultText: `${percent(HEAP_SHARE_OF_HEAP_LIMIT)} of V8's heap limit`,
    }),
  LOAD_SHED_MAX_RSS_BYTES: integer(0)
    .optional()
    .meta({
      description: 'refuse requests with a large body (503) while RSS is above this',
      defaultText: `${percent(RSS_SHARE_OF_MEMORY_LIMIT)} of \`MEMORY_LIMIT_BYTES\``,
    }),
  LOAD_SHED_RETRY_AFTER_SECONDS: integer(1, 3_600)
    .default(5)
    .meta({ description: '`Retry-After` of a shed request' }),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/ })
    .optional()
    .meta({
      description:
        'Redis/Valkey shared by every instance (`redis://` or `rediss://` for TLS): rate limits counted ' +
        'across instances, cache and tenant standing changes broadcast; unset: all per instance',
    }),
}
