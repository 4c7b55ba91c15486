// The envelopes of ../envelope.ts as zod schemas, for route responses and the OpenAPI document.
// Each builder returns one schema per wrapped schema (or status), so that schemas can be compared
// by identity, as the versioning layer does to find the data an envelope carries.
import { z } from 'zod'
import { codesWithStatus, ERROR_CATALOGUE, type ErrorCode } from '../../errors/catalogue.js'

/** A UTC ISO-8601 timestamp, as every response writes them. */
export const timestamp = z.iso.datetime().meta({ id: 'Timestamp', examples: ['2024-01-15T10:00:00.000Z'] })

const pageInfo = z.strictObject({
  nextCursor: z
    .string()
    .nullable()
    .meta({ description: 'pass it back as `cursor` for the next page; null on the last page' }),
  limit: z.int().min(1).max(100),
})

export interface EnvelopeContent {
  kind: 'data' | 'page'
  /** The schema of `data`, or of each item of a page. */
  schema: z.ZodType
}

const contents = new WeakMap<z.ZodType, EnvelopeContent>()
const dataEnvelopes = new WeakMap<z.ZodType, z.ZodType>()
const pageEnvelopes = new WeakMap<z.ZodType, z.ZodType>()
const errorEnvelopes = new Map<number, z.ZodType>()

function remember(cache: WeakMap<z.ZodType, z.ZodType>, content: EnvelopeContent, build: () => z.ZodType) {
  let envelope = cache.get(content.schema)
  if (!envelope) {
    envelope = build()
    cache.set(content.schema, envelope)
    contents.set(envelope, content)
  }
  return envelope
}

/** `{ success: true, data, timestamp }` */
export function dataEnvelope(data: z.ZodType): z.ZodType {
  return remember(dataEnvelopes, { kind: 'data', schema: data }, () =>
    z.strictObject({ success: z.literal(true), data, timestamp }),
  )
}

/** `{ success: true, data: [item...], page, timestamp }` */
export function pageEnvelope(item: z.ZodType): z.ZodType {
  return remember(pageEnvelopes, { kind: 'page', schema: item }, () =>
    z.strictObject({ success: z.literal(true), data: z.array(item), page: pageInfo, timestamp }),
  )
}

/** What a success envelope carries, or undefined for any other schema. */
export function envelopeContent(schema: unknown): EnvelopeContent | undefined {
  return schema instanceof z.ZodType ? contents.get(schema) : undefined
}

const errorDetail = z
  .strictObject({ field: z.string(), message: z.string() })
  .meta({ id: 'ErrorDetail', description: 'one bad field of a refused request' })

/** An error body as a client receives it, with the catalogue's example for its code. */
function exampleBody(code: ErrorCode) {
  return {
    success: false,
    error: { code, ...ERROR_CATALOGUE[code].example },
    correlationId: '5b0f3a52-4c1e-4f59-9d43-2a3d1f6f8e21',
    timestamp: '2024-01-15T10:00:00.000Z',
  }
}

/** The error envelope of one status; its `code` is one of the codes that status stands for. */
export function errorEnvelope(status: number): z.ZodType {
  const codes = codesWithStatus(status)
  const [first, ...others] = codes
  if (!first) throw new Error(`no error code has status ${status}`)
  let envelope = errorEnvelopes.get(status)
  if (!envelope) {
    envelope = z
      .strictObject({
        success: z.literal(false),
        error: z.strictObject({
          code: z.enum([first, ...others]),
          message: z.string(),
          details: z.array(errorDetail).optional(),
        }),
        correlationId: z.string().meta({ description: 'also in the X-Correlation-ID header' }),
        timestamp,
      })
      .meta({
        id: `Error${status}`,
        description: `error codes: ${codes.join(', ')}`,
        examples: codes.map(exampleBody),
      })
    errorEnvelopes.set(status, envelope)
  }
  return envelope
}
