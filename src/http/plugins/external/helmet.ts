import type { IncomingMessage, ServerResponse } from 'node:http'
import helmetMiddleware, { type HelmetOptions } from 'helmet'

/**
 * Security headers on every response. The API answers JSON only, so a content security policy
 * would protect nothing here; the /docs page sends its own (Swagger UI's static CSP).
 */
const OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: false,
  crossOriginResourcePolicy: { policy: 'same-site' },
}

/**
 * The headers helmet's middleware sets with these options, collected from one run of it. They are
 * the same for every response, so they are worked out once: building helmet's middleware for every
 * request (as @fastify/helmet does) took a third of the CPU time of a cached read.
 */
function securityHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {}
  const response = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = String(value)
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()]
    },
  }
  let finished = false
  helmetMiddleware(options)(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error
      finished = true
    },
  )
  if (!finished) throw new Error('helmet did not set its headers at once')
  return Object.freeze(headers)
}

/** Set on every answer by answer-headers.ts, in this order. */
export const SECURITY_HEADERS = securityHeaders(OPTIONS)
