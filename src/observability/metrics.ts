import { collectDefaultMetrics, Histogram, Registry } from 'prom-client'

/** This process's Prometheus registry; one per app so tests can build several side by side. */
export class Metrics {
  readonly registry = new Registry()

  /** Labelled by route template (never the raw URL) and status class, to keep cardinality bounded. */
  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  })

  constructor() {
    collectDefaultMetrics({ register: this.registry })
  }
}
