// Health checks and how their results add up.
//   healthy   every check answered in time
//   degraded  still serving: a check answered slower than the threshold, the table is UPDATING,
//             or a non-critical check failed — readiness stays 200
//   unhealthy a critical check failed: DynamoDB unreachable, timed out, or the table not usable —
//             readiness turns 503
export type CheckStatus = 'healthy' | 'degraded' | 'unhealthy'

export interface CheckResult {
  name: string
  status: CheckStatus
  critical: boolean
  durationMs: number
  detail?: string
}

/** What a probe found when it answered; a probe that throws (or times out) has failed. */
export interface ProbeOutcome {
  status?: CheckStatus
  detail?: string
}

export interface HealthCheck {
  name: string
  /** A failing critical check makes the service unhealthy; a failing non-critical one, degraded. */
  critical: boolean
  probe(signal: AbortSignal): Promise<ProbeOutcome | undefined>
}

export interface CheckTiming {
  timeoutMs: number
  /** An answer slower than this is degraded. */
  degradedAfterMs: number
}

export interface HealthReport {
  status: CheckStatus
  checks: CheckResult[]
  summary: string
}

const RANK: Record<CheckStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2 }

/** Runs one check within its timeout; never throws. */
export async function runCheck(check: HealthCheck, timing: CheckTiming): Promise<CheckResult> {
  const started = performance.now()
  const result = (status: CheckStatus, detail?: string): CheckResult => ({
    name: check.name,
    status,
    critical: check.critical,
    durationMs: Math.round(performance.now() - started),
    ...(detail ? { detail } : {}),
  })
  const failed = check.critical ? 'unhealthy' : 'degraded'
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new ProbeTimeout(timing.timeoutMs))
    }, timing.timeoutMs)
  })
  try {
    const outcome = (await Promise.race([check.probe(controller.signal), timedOut])) ?? {}
    const status = outcome.status ?? 'healthy'
    const checked = result(status === 'unhealthy' && !check.critical ? 'degraded' : status, outcome.detail)
    if (checked.status === 'healthy' && checked.durationMs > timing.degradedAfterMs) {
      return { ...checked, status: 'degraded', detail: `slower than ${timing.degradedAfterMs} ms` }
    }
    return checked
  } catch (error) {
    return result(failed, describe(error))
  } finally {
    clearTimeout(timer)
  }
}

/** The worst status among the checks, with a one-line summary. */
export function summarise(checks: CheckResult[]): HealthReport {
  const status = checks.reduce<CheckStatus>(
    (worst, check) => (RANK[check.status] > RANK[worst] ? check.status : worst),
    'healthy',
  )
  const healthy = checks.filter((check) => check.status === 'healthy').length
  return { status, checks, summary: `${healthy} of ${checks.length} checks healthy` }
}

class ProbeTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`)
  }
}

// The endpoints are public, so the reason is a name or code (ECONNREFUSED, TimeoutError), never a
// message that may hold addresses or a stack.
function describe(error: unknown): string {
  if (error instanceof ProbeTimeout) return error.message
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown }
  if (typeof code === 'string') return code
  if (typeof name === 'string' && name !== 'Error') return name
  return 'failed'
}
