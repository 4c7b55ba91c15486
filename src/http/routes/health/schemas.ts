// The health responses, for the OpenAPI document. They are not enveloped: load balancers and
// orchestrators read them.
import { z } from 'zod'

const check = z.strictObject({
  name: z.string(),
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  /** A failing critical check makes the service unhealthy; a non-critical one, degraded. */
  critical: z.boolean(),
  durationMs: z.number().min(0),
  detail: z.string().optional(),
})

export const liveness = z.strictObject({ status: z.literal('alive') })

export const readiness = z
  .strictObject({
    status: z.enum(['ready', 'not_ready']),
    checks: z.array(check).optional(),
    reason: z.literal('shutting_down').optional(),
  })
  .meta({
    id: 'Readiness',
    examples: [
      { status: 'ready', checks: [{ name: 'table', status: 'healthy', critical: true, durationMs: 3 }] },
      { status: 'not_ready', reason: 'shutting_down' },
    ],
  })

export const health = z
  .strictObject({
    status: z.enum(['healthy', 'degraded', 'unhealthy']),
    checks: z.array(check),
    summary: z.string(),
  })
  .meta({
    id: 'Health',
    examples: [
      {
        status: 'healthy',
        checks: [{ name: 'table', status: 'healthy', critical: true, durationMs: 3 }],
        summary: 'all 1 checks healthy',
      },
    ],
  })
