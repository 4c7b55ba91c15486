import { BoundedCache } from '../cache/bounded-cache.js'
import { type CheckTiming, type HealthCheck, type HealthReport, runCheck, summarise } from './health.js'

const REPORT = 'report'

/**
 * Runs the checks at most once per `cacheTtlMs`, and once for any number of concurrent callers,
 * so a storm of health requests (load balancers, scrapers, retries) reaches DynamoDB once.
 */
export class HealthMonitor {
  readonly #reports: BoundedCache<typeof REPORT, HealthReport>
  private running: Promise<HealthReport> | undefined

  constructor(
    private readonly checks: readonly HealthCheck[],
    private readonly options: CheckTiming & {
      cacheTtlMs: number
      /** Called with each fresh report (not with reused ones), e.g. to log what failed. */
      onProbed?: (report: HealthReport) => void
    },
    now?: () => number,
  ) {
    this.#reports = new BoundedCache({ maxEntries: 1, ttlMs: options.cacheTtlMs, ...(now && { now }) })
  }

  report(): Promise<HealthReport> {
    const cached = this.#reports.get(REPORT)
    if (cached) return Promise.resolve(cached)
    this.running ??= this.probe().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  private async probe(): Promise<HealthReport> {
    const results = await Promise.all(this.checks.map((check) => runCheck(check, this.options)))
    const report = summarise(results)
    this.options.onProbed?.(report)
    this.#reports.set(REPORT, report)
    return report
  }
}
