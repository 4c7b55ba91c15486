import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * This process's Prometheus registry; one per app so tests can build several side by side.
 * Labels are bounded: route templates, operation and index names, never ids or raw URLs.
 */
export class Metrics {
  readonly registry = new Registry()

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  })

  readonly httpRequestsInFlight = new Gauge({
    name: 'http_requests_in_flight',
    help: 'HTTP requests received and not yet answered',
    registers: [this.registry],
  })

  readonly httpRequestsByTier = new Counter({
    name: 'http_requests_by_tier_total',
    help: 'Authenticated HTTP requests by the tenant tier of the caller',
    labelNames: ['tier'] as const,
    registers: [this.registry],
  })

  readonly dynamodbCallDuration = new Histogram({
    name: 'dynamodb_call_duration_seconds',
    help: 'DynamoDB call duration in seconds including SDK retries, by operation, table and outcome',
    labelNames: ['operation', 'table', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  })

  readonly dynamodbRetries = new Counter({
    name: 'dynamodb_retries_total',
    help: 'DynamoDB attempts that were retries, by operation and table',
    labelNames: ['operation', 'table'] as const,
    registers: [this.registry],
  })

  readonly dynamodbThrottles = new Counter({
    name: 'dynamodb_throttles_total',
    help: 'DynamoDB attempts refused for throughput, by operation and table',
    labelNames: ['operation', 'table'] as const,
    registers: [this.registry],
  })

  readonly dynamodbConsumedCapacity = new Counter({
    name: 'dynamodb_consumed_capacity_units_total',
    help: 'Capacity units consumed, by table, index ("table" for the base table) and operation',
    labelNames: ['table', 'index', 'operation'] as const,
    registers: [this.registry],
  })

  readonly dynamodbUnprocessed = new Counter({
    name: 'dynamodb_unprocessed_items_total',
    help: 'Items or keys DynamoDB handed back unprocessed from batch calls (each is retried)',
    labelNames: ['operation', 'table'] as const,
    registers: [this.registry],
  })

  readonly cacheHits = new Counter({
    name: 'cache_hits_total',
    help: 'Item cache hits',
    registers: [this.registry],
  })

  readonly cacheMisses = new Counter({
    name: 'cache_misses_total',
    help: 'Item cache misses',
    registers: [this.registry],
  })

  readonly cacheEvictions = new Counter({
    name: 'cache_evictions_total',
    help: 'Item cache entries evicted to stay within the size bound',
    registers: [this.registry],
  })

  readonly cacheEntries = new Gauge({
    name: 'cache_entries',
    help: 'Item cache entries held',
    registers: [this.registry],
  })

  readonly logLinesDropped = new Counter({
    name: 'log_lines_dropped_total',
    help: 'Log lines dropped because stdout fell too far behind (a stalled log driver)',
    registers: [this.registry],
  })

  constructor() {
    collectDefaultMetrics({ register: this.registry })
  }
}
