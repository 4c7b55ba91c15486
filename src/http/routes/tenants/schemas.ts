import { z } from 'zod'
import {
  MAX_CURSOR_LENGTH,
  SETTABLE_TENANT_STATUSES,
  TENANT_ID_PATTERN,
  TENANT_STATUSES,
  TIERS,
} from '../../../models/index.js'
import { timestamp } from '../../schemas/envelope.js'

const tenantId = z.string().regex(TENANT_ID_PATTERN, 'a tenant id is lower-case letters, digits, _ and -')

export const createTenantBody = z
  .strictObject({
    id: tenantId.optional().meta({ description: 'the id tokens carry in tenant_id; generated when omitted' }),
    name: z.string().trim().min(1).max(200),
    tier: z.enum(TIERS).optional(),
  })
  .meta({ id: 'CreateTenant', examples: [{ id: 'acme', name: 'Acme Corp', tier: 'premium' }] })

export const updateTenantBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    tier: z.enum(TIERS),
    status: z.enum(SETTABLE_TENANT_STATUSES),
  })
  .partial()
  .refine((changes) => Object.keys(changes).length > 0, { message: 'at least one field must be given' })
  .meta({ id: 'UpdateTenant', examples: [{ status: 'suspended' }] })

export const tenantParams = z.strictObject({ id: tenantId })

export const listTenantsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(MAX_CURSOR_LENGTH).optional(),
})

const TENANT_EXAMPLE = {
  id: 'acme',
  name: 'Acme Corp',
  tier: 'premium',
  status: 'active',
  version: 1,
  createdUtc: '2024-01-15T10:00:00.000Z',
  updatedUtc: '2024-01-15T10:00:00.000Z',
}

export const tenant = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    tier: z.enum(TIERS),
    status: z.enum(TENANT_STATUSES),
    version: z.int().min(1),
    createdUtc: timestamp,
    updatedUtc: timestamp,
  })
  .meta({ id: 'Tenant', examples: [TENANT_EXAMPLE] })
