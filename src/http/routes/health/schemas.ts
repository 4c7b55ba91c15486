// The health responses, for the OpenAPI document. They are not enveloped: load balancers and
// orchestrators read them.
import { z } from 'zod'

const check = z.strictObject({
  name: z.string(),
  status: z.enum(['healthy', 'unhealthy']),
  durationMs: z.number().min(0),
  detail: z.string().optional(),
})

export const liveness = z.strictObject({ status: z.literal('alive') })

export const readiness = z
  .strictObject({ status: z.enum(['ready', 'not_ready']), checks: z.array(check) })
  .meta({
    id: 'Readiness',
    examples: [{ status: 'ready', checks: [{ name: 'dynamodb', status: 'healthy', durationMs: 3 }] }],
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
        checks: [{ name: 'dynamodb', status: 'healthy', durationMs: 3 }],
        summary: '1 of 1 checks healthy',
      },
    ],
  })
