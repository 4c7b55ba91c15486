// Route response entries in the one form both Fastify and @fastify/swagger read: a description,
// the headers the response carries, and the schema of its JSON body.
import { z } from 'zod'
import { codesWithStatus } from '../../errors/catalogue.js'
import { dataEnvelope, errorEnvelope, pageEnvelope } from './envelope.js'

/** A response header as the document shows it (a JSON Schema with a description). */
export interface HeaderDoc {
  type: 'string'
  description: string
}

export const HEADERS = {
  ETag: { type: 'string', description: 'the version of the item, quoted: `"3"`; send it back as If-Match' },
  Location: { type: 'string', description: 'the URL of the created item' },
} satisfies Record<string, HeaderDoc>

export interface JsonResponse {
  description: string
  headers?: Record<string, HeaderDoc>
  content: { 'application/json': { schema: z.ZodType } }
}

export function jsonResponse(
  schema: z.ZodType,
  description: string,
  headers?: Record<string, HeaderDoc>,
): JsonResponse {
  return { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema } } }
}

/** 2xx with `{ success: true, data }` */
export const dataResponse = (data: z.ZodType, description: string, headers?: Record<string, HeaderDoc>) =>
  jsonResponse(dataEnvelope(data), description, headers)

/** 2xx with `{ success: true, data: [...], page }` */
export const pageResponse = (item: z.ZodType, description: string) =>
  jsonResponse(pageEnvelope(item), description)

/** A response without a body (204). */
export const noContent = (description: string) => z.undefined().meta({ description })

/** The error envelope for each status, e.g. `...errorResponses(409, 412)` in a route's `response`. */
export function errorResponses(...statuses: number[]): Record<number, JsonResponse> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      jsonResponse(errorEnvelope(status), `refused: ${codesWithStatus(status).join(' or ')}`),
    ]),
  )
}
