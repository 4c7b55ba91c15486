// Passes over the generated document that no route can express on its own.
import { API_VERSIONS } from '../versioning/versions.js'

interface Response {
  description?: string
  headers?: Record<string, unknown>
  content?: Record<string, { schema?: { $ref?: string } }>
}

/** The parts of an OpenAPI document these passes read and write. */
export interface OpenApiDocument {
  paths?: Record<string, Record<string, { responses?: Record<string, Response> }>>
  components?: {
    schemas?: Record<string, unknown>
    responses?: Record<string, Response>
    headers?: Record<string, unknown>
    [other: string]: unknown
  }
  [other: string]: unknown
}

const HEADERS = {
  ApiVersion: {
    description: 'the API version that served the request',
    schema: { type: 'string', enum: [...API_VERSIONS] },
  },
  CorrelationId: {
    description: 'the caller’s X-Correlation-ID when it is safe to echo, a new id otherwise',
    schema: { type: 'string' },
  },
  RetryAfter: { description: 'seconds to wait before trying again', schema: { type: 'string' } },
}

const RETRIED_ERRORS = ['#/components/schemas/Error429', '#/components/schemas/Error503']

/** Every response carries API-Version and X-Correlation-ID; 429 and 503 errors also Retry-After. */
export function addCommonHeaders(document: OpenApiDocument): void {
  document.components = { ...document.components, headers: { ...document.components?.headers, ...HEADERS } }
  const responses = [
    ...Object.values(document.paths ?? {}).flatMap((item) =>
      Object.values(item).flatMap((operation) => Object.values(operation.responses ?? {})),
    ),
    ...Object.values(document.components.responses ?? {}),
  ]
  for (const response of responses) {
    const schema = response.content?.['application/json']?.schema?.$ref
    response.headers = {
      ...response.headers,
      'API-Version': { $ref: '#/components/headers/ApiVersion' },
      'X-Correlation-ID': { $ref: '#/components/headers/CorrelationId' },
      ...(schema && RETRIED_ERRORS.includes(schema)
        ? { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } }
        : {}),
    }
  }
}

const SCHEMA_REF = '#/components/schemas/'

/**
 * Keeps the component schemas the paths and shared responses refer to, directly or through other
 * schemas, sorted by name. The zod registry holds every schema with an id, in input and output
 * form; most of those forms are never used.
 */
export function pruneComponentSchemas(document: OpenApiDocument): void {
  const schemas = document.components?.schemas ?? {}
  const used = new Set<string>()
  const pending = refsIn([document.paths, document.components?.responses])
  while (pending.length > 0) {
    const name = pending.pop() as string
    if (used.has(name)) continue
    used.add(name)
    pending.push(...refsIn(schemas[name]))
  }
  const kept = Object.keys(schemas)
    .filter((name) => used.has(name))
    .sort()
  document.components = {
    ...document.components,
    schemas: Object.fromEntries(kept.map((name) => [name, schemas[name]])),
  }
}

function refsIn(value: unknown): string[] {
  const found: string[] = []
  JSON.stringify(value, (key, child) => {
    if (key === '$ref' && typeof child === 'string' && child.startsWith(SCHEMA_REF)) {
      found.push(child.slice(SCHEMA_REF.length))
    }
    return child
  })
  return found
}
