// A tenant's usage over a time range, per hour or per UTC day, with totals: read from the hourly
// usage items that every instance adds to (src/db/usage-flusher.ts).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { readUsage, type UsageHour } from '../db/usage-table.js'
import { forbidden, notFound } from '../errors/app-error.js'
import { SECONDS_PER_HOUR } from '../models/index.js'
import { can } from './permissions.js'
import type { RequestContext } from './request-context.js'
import { attempt, fail, ok, type ServiceResult } from './service-result.js'

export const GRANULARITIES = ['hour', 'day'] as const
export type Granularity = (typeof GRANULARITIES)[number]

export interface UsageFigures {
  readCapacityUnits: { total: number; byModel: Record<string, number> }
  writeCapacityUnits: { total: number; byModel: Record<string, number> }
  /** By `METHOD /route/template`, then by status class (`2xx`, `4xx`, ..., `aborted`). */
  requests: { total: number; byRoute: Record<string, Record<string, number>> }
  itemsWritten: number
}

export interface UsageReport {
  tenantId: string
  /** The periods asked for, widened to whole periods: every period that overlaps the range. */
  from: string
  to: string
  granularity: Granularity
  /** Periods with any usage, oldest first. */
  periods: (UsageFigures & { start: string; end: string })[]
  totals: UsageFigures
}

const PERIOD_SECONDS: Readonly<Record<Granularity, number>> = { hour: SECONDS_PER_HOUR, day: 86_400 }

export class UsageService {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /**
   * The tenant's usage from `from` to `to` (epoch milliseconds; the route checks that from < to).
   * Platform admins may read any tenant's; its tenant admins their own. Another tenant's users get
   * 404, as if the tenant did not exist; its other members 403.
   */
  async report(
    context: RequestContext,
    tenantId: string,
    range: { from: number; to: number; granularity: Granularity },
  ): Promise<ServiceResult<UsageReport>> {
    if (!can(context, 'manage_tenants')) {
      if (context.tenantId !== tenantId) return fail(notFound('tenant'))
      if (!can(context, 'administer_tenant'))
        return fail(forbidden('only a tenant admin may read the tenant’s usage'))
    }
    const period = PERIOD_SECONDS[range.granularity]
    const fromHour = Math.floor(range.from / 1000 / period) * period
    const toHour = Math.ceil(range.to / 1000 / period) * period
    const result = await attempt(readUsage(this.client, this.tableName, tenantId, { fromHour, toHour }))
    if (!result.ok) return result
    const { granularity } = range
    return ok({
      tenantId,
      from: isoOf(fromHour),
      to: isoOf(toHour),
      granularity,
      ...summarise(result.value, period),
    })
  }
}

function summarise(hours: readonly UsageHour[], period: number) {
  const totals = emptyFigures()
  const periods = new Map<number, UsageFigures>()
  for (const hour of hours) {
    const start = Math.floor(hour.hour / period) * period
    let figures = periods.get(start)
    if (!figures) {
      figures = emptyFigures()
      periods.set(start, figures)
    }
    addHour(figures, hour)
    addHour(totals, hour)
  }
  return {
    periods: [...periods]
      .sort(([a], [b]) => a - b)
      .map(([start, figures]) => ({ start: isoOf(start), end: isoOf(start + period), ...figures })),
    totals,
  }
}

function addHour(figures: UsageFigures, hour: UsageHour): void {
  for (const [model, units] of hour.counters.read) {
    figures.readCapacityUnits.total += units
    figures.readCapacityUnits.byModel[model] = (figures.readCapacityUnits.byModel[model] ?? 0) + units
  }
  for (const [model, units] of hour.counters.write) {
    figures.writeCapacityUnits.total += units
    figures.writeCapacityUnits.byModel[model] = (figures.writeCapacityUnits.byModel[model] ?? 0) + units
  }
  for (const [name, count] of hour.counters.request) {
    // `GET /v2/groups/:id#2xx`: route templates hold no `#`, so the last one ends the route.
    const split = name.lastIndexOf('#')
    const route = name.slice(0, split)
    const statusClass = name.slice(split + 1)
    figures.requests.byRoute[route] ??= {}
    const byClass = figures.requests.byRoute[route]
    byClass[statusClass] = (byClass[statusClass] ?? 0) + count
    figures.requests.total += count
  }
  for (const count of hour.counters.items.values()) figures.itemsWritten += count
}

function emptyFigures(): UsageFigures {
  return {
    readCapacityUnits: { total: 0, byModel: {} },
    writeCapacityUnits: { total: 0, byModel: {} },
    requests: { total: 0, byRoute: {} },
    itemsWritten: 0,
  }
}

const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString()
