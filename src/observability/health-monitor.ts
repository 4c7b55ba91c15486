import { type CheckTiming, type HealthCheck, type HealthReport, runCheck, summarise } from './health.js'

/**
 * Runs the checks at most once per `cacheTtlMs`, and once for any number of concurrent callers,
 * so a storm of health requests (load balancers, scrapers, retries) reaches DynamoDB once.
 */
export class HealthMonitor {
  private cached: { report: HealthReport; at: number } | undefined
  private running: Promise<HealthReport> | undefined

  constructor(
    private readonly checks: readonly HealthCheck[],
    private readonly options: CheckTiming & {
      cacheTtlMs: number
      /** Called with each fresh report (not with reused ones), e.g. to log what failed. */
      onProbed?: (report: HealthReport) => void
    },
    private readonly now: () => number = () => performance.now(),
  ) {}

  report(): Promise<HealthReport> {
    if (this.cached && this.now() - this.cached.at < this.options.cacheTtlMs) {
      return Promise.resolve(this.cached.report)
    }
    this.running ??= this.probe().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  private async probe(): Promise<HealthReport> {
    const results = await Promise.all(this.checks.map((check) => runCheck(check, this.options)))
    const report = summarise(results)
    this.options.onProbed?.(report)
    this.cached = { report, at: this.now() }
    return report
  }
}
