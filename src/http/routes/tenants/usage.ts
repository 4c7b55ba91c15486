// GET /tenants/{id}/usage: a tenant's consumed capacity, requests and items written, per hour or
// per UTC day, with totals (platform admins, or the tenant's own admins).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { GRANULARITIES, type UsageService } from '../../../services/usage-service.js'
import { success } from '../../envelope.js'
import { unwrap } from '../../route-helpers.js'
import { timestamp } from '../../schemas/envelope.js'
import { dataResponse } from '../../schemas/responses.js'
import { tenantParams } from './schemas.js'

/** The longest range one request may cover. */
export const MAX_USAGE_RANGE_DAYS = 366
const DAY_MS = 86_400_000

const instant = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((value) => Date.parse(value))
  .meta({ description: 'an ISO 8601 date (`2026-12-01`, midnight UTC) or date-time with an offset' })

export const usageQuery = z
  .strictObject({
    from: instant,
    to: instant,
    granularity: z.enum(GRANULARITIES).default('hour'),
  })
  .superRefine((query, context) => {
    if (query.from >= query.to) {
      context.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' })
    } else if (query.to - query.from > MAX_USAGE_RANGE_DAYS * DAY_MS) {
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: `a range covers at most ${MAX_USAGE_RANGE_DAYS} days`,
      })
    }
  })

const units = z.strictObject({
  total: z.number(),
  byModel: z.record(z.string(), z.number()).meta({ description: 'by the model the calls were for' }),
})

const figures = {
  readCapacityUnits: units,
  writeCapacityUnits: units,
  requests: z.strictObject({
    total: z.int(),
    byRoute: z.record(z.string(), z.record(z.string(), z.int())).meta({
      description: 'by `METHOD /route/template`, then by status class (`2xx`, `4xx`, ..., `aborted`)',
    }),
  }),
  itemsWritten: z.int(),
}

export const usageReport = z
  .strictObject({
    tenantId: z.string(),
    from: timestamp.meta({ description: 'the start of the first period the range overlaps' }),
    to: timestamp.meta({ description: 'the end of the last period the range overlaps' }),
    granularity: z.enum(GRANULARITIES),
    periods: z
      .array(z.strictObject({ start: timestamp, end: timestamp, ...figures }))
      .meta({ description: 'the periods with any usage, oldest first' }),
    totals: z.strictObject(figures),
  })
  .meta({ id: 'TenantUsage' })

const usageDocs = {
  summary: 'A tenant’s usage per hour or day, with totals (platform admins, or its tenant admins)',
  response: { 200: dataResponse(usageReport, 'the usage of every period in the range that has any') },
}

export const usageRoutes: FastifyPluginAsyncZod<{ usage: UsageService }> = async (app, { usage }) => {
  app.get(
    '/tenants/:id/usage',
    { schema: { params: tenantParams, querystring: usageQuery, ...usageDocs } },
    async (request) => {
      const { from, to, granularity } = request.query
      return success(unwrap(await usage.report(request.auth, request.params.id, { from, to, granularity })))
    },
  )
}
