import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  AUDIT_ACTIONS,
  type AuditEntry,
  MAX_CURSOR_LENGTH,
  subjectOf,
  userIdOf,
} from '../../../models/index.js'
import type { AuditService } from '../../../services/audit-service.js'
import { page } from '../../envelope.js'
import { unwrap } from '../../route-helpers.js'
import { timestamp } from '../../schemas/envelope.js'
import { pageResponse } from '../../schemas/responses.js'

const isoInstant = z.iso.datetime({ offset: true }).transform((value) => Date.parse(value))

/** The audit log's query, for the entity types the API has (each resource's model name). */
const auditQueryFor = (entityTypes: readonly [string, ...string[]]) =>
  z
    .strictObject({
      entityType: z.enum(entityTypes).optional(),
      entityId: z
        .string()
        .regex(/^[^#\s]{1,128}$/)
        .optional(),
      from: isoInstant.optional(),
      to: isoInstant.optional(),
      limit: z.coerce.number().int().min(1).max(100).default(25),
      cursor: z.string().min(1).max(MAX_CURSOR_LENGTH).optional(),
    })
    .superRefine((query, context) => {
      if ((query.entityType === undefined) !== (query.entityId === undefined)) {
        context.addIssue({
          code: 'custom',
          path: ['entityId'],
          message: 'entityType and entityId go together',
        })
      }
      if (query.entityType && (query.from || query.to)) {
        context.addIssue({ code: 'custom', path: ['from'], message: 'filter by entity or by time, not both' })
      }
    })

const values = z.record(z.string(), z.unknown()).nullable()

export const auditEntry = z
  .strictObject({
    id: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    userId: z.string().meta({
      description:
        'who made the change: their sub, `#platform` for a platform admin (who is not named), or `#import` for an import from another system',
    }),
    tenantId: z.string(),
    timestamp,
    oldValues: values,
    newValues: values.meta({ description: 'encrypted fields show as ***' }),
    ipAddress: z.string().nullable().meta({ description: 'null when the platform made the change' }),
    userAgent: z.string().nullable().meta({ description: 'null when the platform made the change' }),
  })
  .meta({ id: 'AuditEntry' })

// Users' ids are stored in their key form (userIdOf); the log names users by subject, as the rest of
// the API does.
const isUser = (entityType: string) => entityType === 'user'

function presentValues(entityType: string, values: Record<string, unknown> | null) {
  if (values === null) return null
  const shown = { ...values }
  if (typeof shown.userId === 'string') shown.userId = subjectOf(shown.userId)
  if (isUser(entityType) && typeof shown.id === 'string') shown.id = subjectOf(shown.id)
  return shown
}

const presentEntry = (entry: AuditEntry) => ({
  id: entry.id,
  entityType: entry.entityType,
  entityId: isUser(entry.entityType) ? subjectOf(entry.entityId) : entry.entityId,
  action: entry.action,
  userId: subjectOf(entry.userId),
  tenantId: entry.tenantId,
  timestamp: entry.timestamp,
  oldValues: presentValues(entry.entityType, entry.oldValues),
  newValues: presentValues(entry.entityType, entry.newValues),
  ipAddress: entry.ipAddress,
  userAgent: entry.userAgent,
})

const listDocs = {
  summary: 'The audit log, newest first (tenant admins): one entity’s history, or a time range',
  response: { 200: pageResponse(auditEntry, 'one page of audit entries') },
}

export const auditRoutes: FastifyPluginAsyncZod<{
  audit: AuditService
  entityTypes: readonly [string, ...string[]]
}> = async (app, { audit, entityTypes }) => {
  const auditQuery = auditQueryFor(entityTypes)
  app.get('/audit', { schema: { querystring: auditQuery, ...listDocs } }, async (request) => {
    const { entityType, entityId, from, to, limit, cursor } = request.query
    const pageRequest = { limit, cursor }
    const result =
      entityType && entityId
        ? await audit.listByEntity(
            request.auth,
            { entityType, entityId: isUser(entityType) ? userIdOf(entityId) : entityId },
            pageRequest,
          )
        : await audit.listByTime(request.auth, { from, to }, pageRequest)
    const { items, nextCursor } = unwrap(result)
    return page(items.map(presentEntry), nextCursor, limit)
  })
}
