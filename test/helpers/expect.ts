// Shared assertions: answers in the error envelope (docs/api.md), Idempotency-Key replays, rejections.
import type { LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'

/** A stack frame (`at fn (file:1:2)`, raw or JSON-escaped) or a source path. */
export const STACK_TRACE =
  /(?:^|\n|\\n)\s*at\s+\S|[\w-]+\.(?:ts|js|mjs|cjs):\d+|node_modules|\/work\/|file:\/\//

/** An error answer, as a table of cases states it (see expectError). */
export interface ExpectedError {
  status: number
  code: string
  /** Every field a VALIDATION_ERROR's details must name; a field may be given as a pattern. */
  fields?: readonly (string | RegExp)[]
}

/** The `error` of an error envelope. */
export interface EnvelopeError {
  code?: unknown
  message?: unknown
  details?: { field: string; message?: string }[]
  [other: string]: unknown
}

/**
 * An answer in the error envelope: the status, `success: false`, the code, a correlation id equal to
 * the X-Correlation-ID header, and no stack trace. A VALIDATION_ERROR has details that name each of
 * `fields` (a field may be given as a pattern). Returns the envelope's error; undefined when the
 * body is not JSON, or is empty because the request was a HEAD (the status is the answer then).
 */
export function expectError(
  t: Test,
  response: LightMyRequestResponse,
  status: number,
  code: string,
  what: string,
  fields: readonly (string | RegExp)[] = [],
): EnvelopeError | undefined {
  t.equal(response.statusCode, status, `${what}: status ${status}`, { body: response.body.slice(0, 300) })
  if (response.raw.req.method === 'HEAD' && response.body === '') return undefined
  let body: { success?: unknown; error?: EnvelopeError; correlationId?: unknown }
  try {
    body = response.json()
  } catch {
    t.fail(`${what}: the body is JSON`, { body: response.body.slice(0, 300) })
    return undefined
  }
  t.equal(body.success, false, `${what}: success is false`)
  t.equal(body.error?.code, code, `${what}: code ${code}`)
  t.match(body.correlationId, /\S/, `${what}: has a correlationId`)
  t.equal(
    body.correlationId,
    response.headers['x-correlation-id'],
    `${what}: correlationId matches the header`,
  )
  t.notOk('stack' in (body.error ?? {}), `${what}: no stack`)
  t.notMatch(response.body, STACK_TRACE, `${what}: no stack trace`)
  if (code !== 'VALIDATION_ERROR') return body.error
  const details = body.error?.details
  t.ok(Array.isArray(details) && details.length > 0, `${what}: has details`, { found: body.error })
  for (const field of fields) {
    t.ok(
      (details ?? []).some((detail) =>
        typeof field === 'string' ? detail.field === field : field.test(detail.field),
      ),
      `${what}: details name ${String(field)}`,
      { found: details },
    )
  }
  return body.error
}

/** A replay of an Idempotency-Key's first answer: status, body byte for byte, Location, ETag, type. */
export function expectReplay(
  t: Test,
  first: LightMyRequestResponse,
  retry: LightMyRequestResponse,
  what: string,
): void {
  t.equal(retry.statusCode, first.statusCode, `${what}: same status`)
  t.equal(retry.body, first.body, `${what}: same body`)
  for (const header of ['location', 'etag', 'content-type']) {
    t.equal(retry.headers[header], first.headers[header], `${what}: same ${header}`)
  }
  t.equal(retry.headers['idempotent-replayed'], 'true', `${what}: marked as replayed`)
  t.notOk(first.headers['idempotent-replayed'], `${what}: the first answer was not a replay`)
}

/** What `promise` rejects with; throws when it fulfils. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}
