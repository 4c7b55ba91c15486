// Serves a route written for the handler version as another API version: the version's schemas
// replace the handlers' ones (so requests are validated, and documented, in the version's shape),
// the validated request is converted to the handlers' shape before the handler runs, and the
// response data is converted to the version's shape before it is serialized. A route whose schemas
// the version does not change gets no hook at all.
import type { FastifyReply, FastifyRequest, FastifySchema, RouteOptions } from 'fastify'
import { z } from 'zod'
import { hooksOf } from '../route-helpers.js'
import { dataEnvelope, envelopeContent, pageEnvelope } from '../schemas/envelope.js'
import { embeddedChange, schemaName } from './embedded-changes.js'
import type { SchemaChange } from './schema-change.js'
import type { ApiVersion } from './versions.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The API version a route serves; set for every versioned route. */
    apiVersion?: ApiVersion
  }
}

/** Schema part → the request property that holds it once validated. */
const REQUEST_PARTS = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' } as const
type RequestPart = keyof typeof REQUEST_PARTS
type Convert = (value: unknown) => unknown
type Hook<Args extends unknown[]> = (
  request: FastifyRequest,
  reply: FastifyReply,
  ...args: Args
) => Promise<unknown>

export function applyVersion(
  route: RouteOptions,
  version: ApiVersion,
  changes: readonly SchemaChange[],
): void {
  route.config = { ...route.config, apiVersion: version }
  if (!route.schema) return
  const changeOf = (schema: unknown) => changes.find((change) => change.current === schema)
  // A new schema object: Fastify's HEAD twin of a GET route shares the original one.
  const schema: FastifySchema & { tags?: string[] } = { ...route.schema, tags: [version] }

  const refuseEmbedded = (part: unknown, io: 'input' | 'output', what: string) => {
    const embedded = embeddedChange(part, changes, io)
    if (!embedded) return
    throw new Error(
      `${route.method} ${route.url}: its ${what} holds ${schemaName(embedded.current)}, which ${version} ` +
        `changes; declare a ${version} change for the ${what} itself (README, "Adding a version")`,
    )
  }

  const toCurrent: [string, Convert][] = []
  for (const part of Object.keys(REQUEST_PARTS) as RequestPart[]) {
    const change = changeOf(schema[part])
    if (!change) {
      refuseEmbedded(schema[part], 'input', part)
      continue
    }
    if (!change.toCurrent) throw new Error(`${route.url}: the ${version} ${part} change needs toCurrent`)
    schema[part] = change.version
    toCurrent.push([REQUEST_PARTS[part], change.toCurrent.bind(change)])
  }

  const toVersion = new Map<string, Convert>()
  if (schema.response) {
    const responses: Record<string, unknown> = {}
    for (const [status, response] of Object.entries(schema.response as Record<string, unknown>)) {
      const versioned = versionResponse(response, changeOf, `${route.url} ${status}`)
      responses[status] = versioned?.response ?? response
      if (versioned) toVersion.set(status, versioned.convert)
      else refuseEmbedded(jsonSchemaOf(response), 'output', `${status} response`)
    }
    schema.response = responses
  }
  route.schema = schema

  if (toCurrent.length > 0) route.preHandler = [requestToCurrent(toCurrent), ...hooksOf(route.preHandler)]
  if (toVersion.size > 0)
    route.preSerialization = [...hooksOf(route.preSerialization), responseToVersion(toVersion)]
}

/** The version's response entry and payload conversion, when the envelope's data changes. */
function versionResponse(
  response: unknown,
  changeOf: (schema: unknown) => SchemaChange | undefined,
  where: string,
): { response: unknown; convert: Convert } | undefined {
  const json = jsonSchemaOf(response)
  const content = envelopeContent(json)
  const change = content && changeOf(content.schema)
  if (!content || !change) return undefined
  if (!change.toVersion) throw new Error(`${where}: the response data change needs toVersion`)
  const toVersion = change.toVersion.bind(change)
  const envelope = content.kind === 'data' ? dataEnvelope(change.version) : pageEnvelope(change.version)
  const convert: Convert =
    content.kind === 'data'
      ? (payload) => ({ ...(payload as object), data: toVersion((payload as { data: unknown }).data) })
      : (payload) => ({ ...(payload as object), data: (payload as { data: unknown[] }).data.map(toVersion) })
  return { response: withJsonSchema(response, envelope), convert }
}

/** A response entry is a zod schema or `{ description, content: { 'application/json': { schema } } }`. */
function jsonSchemaOf(response: unknown): unknown {
  if (response instanceof z.ZodType) return response
  return (response as { content?: Record<string, { schema?: unknown }> } | undefined)?.content?.[
    'application/json'
  ]?.schema
}

function withJsonSchema(response: unknown, schema: z.ZodType): unknown {
  if (response instanceof z.ZodType) return schema
  const entry = response as { content: Record<string, object> }
  return { ...entry, content: { ...entry.content, 'application/json': { schema } } }
}

function requestToCurrent(conversions: [string, Convert][]): Hook<[]> {
  return async (request) => {
    const parts = request as unknown as Record<string, unknown>
    for (const [property, convert] of conversions) parts[property] = convert(parts[property])
  }
}

function responseToVersion(conversions: Map<string, Convert>): Hook<[unknown]> {
  return async (_request, reply, payload) => {
    const convert =
      conversions.get(String(reply.statusCode)) ?? conversions.get(`${Math.floor(reply.statusCode / 100)}xx`)
    return convert ? convert(payload) : payload
  }
}
