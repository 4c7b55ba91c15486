import { randomUUID } from 'node:crypto'
import type { RawRequestDefaultExpression } from 'fastify'

export const CORRELATION_HEADER = 'x-correlation-id'
// A caller's id is echoed into logs and headers, so only a short, plain token is accepted.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Fastify's genReqId: the caller's correlation id when it is safe, a new one otherwise. */
export function correlationIdOf(request: RawRequestDefaultExpression): string {
  const given = request.headers[CORRELATION_HEADER]
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID()
}
