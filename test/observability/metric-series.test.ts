import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import t from 'tap'
import { servicesOf } from '../../src/container.js'
import { HistogramSeries, ValueSeries } from '../../src/observability/metric-series.js'
import { buildTestApp } from '../helpers/app.js'

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

function metricsOf() {
  const registry = new Registry()
  const labelNames = ['method', 'route', 'status_class'] as const
  return {
    registry,
    histogram: new Histogram({ name: 'd', help: 'd', labelNames, buckets: BUCKETS, registers: [registry] }),
    counter: new Counter({ name: 'c', help: 'c', labelNames: ['tier'] as const, registers: [registry] }),
    gauge: new Gauge({ name: 'g', help: 'g', registers: [registry] }),
  }
}

t.test('series write the exposition the labelled calls write', async (t) => {
  const labelled = metricsOf()
  const resolved = metricsOf()
  const ok = { method: 'GET', route: '/v2/groups/:id', status_class: '2xx' }
  const missing = { route: 'unmatched', status_class: '4xx', method: 'GET' }
  const series = {
    ok: new HistogramSeries(resolved.histogram, ok),
    missing: new HistogramSeries(resolved.histogram, missing),
    standard: new ValueSeries(resolved.counter, { tier: 'standard' }),
    gauge: new ValueSeries(resolved.gauge),
  }
  // On bounds, between them, past the last, zero; a reset in between.
  const values = [0.0003, 0.001, 0.0049, 0.005, 0.3, 7, 10, 12.5, 0, 0.0003]
  for (const [round, value] of values.entries()) {
    if (round === 6)
      for (const { histogram, counter, gauge } of [labelled, resolved]) {
        histogram.reset()
        counter.reset()
        gauge.reset()
      }
    labelled.histogram.observe(ok, value)
    series.ok.observe(value)
    if (round % 3 === 0) {
      labelled.histogram.observe(missing, value)
      series.missing.observe(value)
    }
    labelled.counter.inc({ tier: 'standard' })
    series.standard.add(1)
    labelled.gauge.inc()
    series.gauge.add(1)
    if (round % 2 === 0) {
      labelled.gauge.dec()
      series.gauge.add(-1)
    }
  }
  t.equal(await resolved.registry.metrics(), await labelled.registry.metrics())
  t.match(
    await resolved.registry.metrics(),
    /d_count\{method="GET",route="\/v2\/groups\/:id",status_class="2xx"\} 4/,
  )
})

t.test('a value prom-client refuses is refused the same way', async (t) => {
  const { histogram } = metricsOf()
  const series = new HistogramSeries(histogram, { method: 'GET', route: '/', status_class: '2xx' })
  series.observe(0.1)
  t.throws(() => series.observe(Number.NaN), TypeError)
})

t.test('after its first request, a route is timed without labelled calls to prom-client', async (t) => {
  const { app, container } = await buildTestApp(t)
  const metrics = servicesOf(container).Metrics
  await app.inject({ method: 'GET', url: '/health/live' })
  let labelledCalls = 0
  const histogram = metrics.httpRequestDuration
  const observe = histogram.observe.bind(histogram) as (...args: unknown[]) => void
  histogram.observe = ((...args: unknown[]) => {
    labelledCalls++
    observe(...args)
  }) as typeof histogram.observe
  for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/health/live' })
  t.equal(labelledCalls, 0)
  const scrape = await app.inject({ method: 'GET', url: '/metrics' })
  t.match(
    scrape.body,
    /http_request_duration_seconds_count\{method="GET",route="\/health\/live",status_class="2xx"\} 4\n/,
  )
  t.match(scrape.body, /http_requests_in_flight 1\n/, 'the scrape itself')
})
