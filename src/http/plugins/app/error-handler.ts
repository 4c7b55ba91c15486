// Maps every error to the envelope of API.md: known errors keep their code, framework errors get
// the matching code, and anything else is a 500 whose detail stays in the log.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
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
import { isUnavailable } from '../../../errors/unavailable.js'
import { failure } from '../../envelope.js'
import { DEFAULT_API_VERSION } from '../../versioning/versions.js'

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
}

// Messages we choose, for framework errors whose own text may describe internals.
const SAFE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  VALIDATION_ERROR: 'the request is malformed',
  PAYLOAD_TOO_LARGE: 'the request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'the request body must be application/json',
  NOT_FOUND: 'not found',
}

// Body parser errors, named for the client: the field at fault is the body itself.
const BODY_PARSE_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'the body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the body is empty',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'the body length does not match Content-Length',
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as FastifyError).validationContext ?? 'body'
    return validationError(error.validation.flatMap((issue) => validationDetails(context, issue)))
  }
  if (isUnavailable(error)) return serviceUnavailable(error)
  const status = (error as FastifyError | undefined)?.statusCode
  if (status && status >= 400 && status < 500) {
    const code = CODE_BY_STATUS[status] ?? 'VALIDATION_ERROR'
    const bodyProblem = BODY_PARSE_ERRORS[(error as FastifyError).code]
    const details = bodyProblem ? [{ field: 'body', message: bodyProblem }] : undefined
    const message = bodyProblem ?? SAFE_MESSAGES[code] ?? 'the request was refused'
    return new AppError(code, message, details, { cause: error })
  }
  return new AppError('INTERNAL_ERROR', 'an internal error occurred', undefined, { cause: error })
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
