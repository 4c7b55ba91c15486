// Maps every error to the envelope of docs/api.md: known errors keep their code, framework errors get
// the matching code, and anything else is a 500 whose detail stays in the log.
import type { errorCodes, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import {
  AppError,
  type ErrorCode,
  type ErrorDetail,
  notFound,
  serviceUnavailable,
  validationError,
} from '../../../errors/app-error.js'
import { codeOfStatus } from '../../../errors/catalogue.js'
import { isUnavailable } from '../../../errors/unavailable.js'
import { failure } from '../../envelope.js'
import { DEFAULT_API_VERSION } from '../../versioning/versions.js'

interface FastifyRefusal {
  code: ErrorCode
  body?: string
}

/**
 * Fastify's own refusals that reach this handler, by their code, with what is wrong with the body
 * when it is the body (a schema's FST_ERR_VALIDATION is read from its zod issues instead). Other
 * 4xx errors, such as @fastify/static's or a body cut off, are known by their status only.
 * FST_ERR_CTP_INVALID_CONTENT_LENGTH cannot reach it: Node's parser reads a body by its
 * Content-Length, and refuses one that ends short before Fastify sees it (client-errors.ts).
 */
export const FASTIFY_ERRORS = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'VALIDATION_ERROR', body: 'the body is not valid JSON' },
  // A body of a byte order mark alone: request-body.ts decodes it to no text at all.
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'VALIDATION_ERROR', body: 'the body is empty' },
} satisfies Partial<Record<keyof typeof errorCodes, FastifyRefusal>>

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as FastifyError).validationContext ?? 'body'
    return validationError(error.validation.flatMap((issue) => validationDetails(context, issue)))
  }
  if (isUnavailable(error)) return serviceUnavailable(error)
  const status = (error as FastifyError | undefined)?.statusCode
  if (status && status >= 400 && status < 500) {
    const known: FastifyRefusal | undefined =
      FASTIFY_ERRORS[(error as FastifyError).code as keyof typeof FASTIFY_ERRORS]
    const code = known?.code ?? codeOfStatus(status) ?? 'VALIDATION_ERROR'
    const details = known?.body ? [{ field: 'body', message: known.body }] : undefined
    return new AppError(code, known?.body, details, { cause: error })
  }
  return new AppError('INTERNAL_ERROR', undefined, undefined, { cause: error })
}

function validationDetails(
  context: string,
  issue: { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> },
): ErrorDetail[] {
  const path = issue.instancePath.split('/').filter(Boolean).join('.')
  const keys = issue.params.keys
  if (issue.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
    return keys.map((key) => ({ field: [path, key].filter(Boolean).join('.'), message: 'unknown field' }))
  }
  return [{ field: path || context, message: issue.message ?? 'invalid value' }]
}

/**
 * Fastify's router answers a malformed or over-long URL before any hook runs; this gives those the
 * envelope and the headers every response carries.
 */
export function frameworkErrorReply(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const problem = validationError([{ field: 'path', message: 'the URL path is malformed or too long' }])
  return reply
    .status(problem.status)
    .header('X-Correlation-ID', request.id)
    .header('API-Version', DEFAULT_API_VERSION)
    .header('X-Content-Type-Options', 'nosniff')
    .send(failure(new AppError(problem.code, problem.message, problem.details, { cause: error }), request.id))
}

async function errorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(error)
    if (appError.status >= 500) {
      request.log.error({ err: appError.cause ?? appError, code: appError.code }, 'request failed')
    }
    if (appError.retryAfterSeconds !== undefined)
      reply.header('Retry-After', String(appError.retryAfterSeconds))
    return reply.status(appError.status).send(failure(appError, request.id))
  })

  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(failure(notFound(`route ${request.method} ${request.url.split('?')[0]}`), request.id)),
  )
}

export default fp(errorHandler, { name: 'error-handler' })
