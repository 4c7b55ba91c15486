import { errorCodes } from 'fastify'
import { validatorCompiler } from 'fastify-type-provider-zod'
import t from 'tap'
import { z } from 'zod'
import { AppError, conflict, notFound } from '../../../../src/errors/app-error.js'
import { ERROR_CATALOGUE } from '../../../../src/errors/catalogue.js'
import { FASTIFY_ERRORS, toAppError } from '../../../../src/http/plugins/app/error-handler.js'

const body = z.strictObject({
  name: z.string().min(1),
  groupType: z.string().regex(/^[a-z]+$/),
  privacySettings: z.strictObject({ visibility: z.enum(['private', 'tenant', 'public']) }).optional(),
})

/** The error Fastify raises when the zod validator compiler refuses a request part. */
function fastifyValidationError(data: unknown, validationContext = 'body') {
  const validate = validatorCompiler({
    schema: body,
    method: 'POST',
    url: '/v2/groups',
    httpPart: validationContext,
  })
  const result = validate(data) as { error?: unknown[] }
  if (!result.error) throw new Error('expected the data to be invalid')
  return Object.assign(new Error(`${validationContext} is invalid`), {
    validation: result.error,
    validationContext,
    statusCode: 400,
    code: 'FST_ERR_VALIDATION',
  })
}

t.test('an AppError passes through unchanged', async (t) => {
  for (const error of [
    notFound('group'),
    conflict('version conflict'),
    new AppError('RATE_LIMITED', 'slow down'),
  ]) {
    t.equal(toAppError(error), error, error.code)
  }
})

t.test('a zod validation error becomes VALIDATION_ERROR naming each bad field', async (t) => {
  const error = toAppError(
    fastifyValidationError({
      name: '',
      groupType: 'Not Valid',
      extraOne: 1,
      extraTwo: 2,
      privacySettings: { visibility: 'everyone', colour: 'red' },
    }),
  )
  t.equal(error.code, 'VALIDATION_ERROR')
  t.equal(error.status, 400)
  const fields = (error.details ?? []).map((detail) => detail.field).sort()
  t.strictSame(fields, [
    'extraOne',
    'extraTwo',
    'groupType',
    'name',
    'privacySettings.colour',
    'privacySettings.visibility',
  ])
  for (const detail of error.details ?? []) {
    t.type(detail.message, 'string', `${detail.field} has a message`)
    t.ok(detail.message.length > 0, `${detail.field} message is not empty`)
  }
})

t.test('one detail per unknown key, marked as unknown', async (t) => {
  const error = toAppError(fastifyValidationError({ name: 'ok', groupType: 'ok', a: 1, b: 2, c: 3 }))
  t.equal(error.code, 'VALIDATION_ERROR')
  t.strictSame(
    (error.details ?? []).map((detail) => detail.field),
    ['a', 'b', 'c'],
  )
  const messages = new Set((error.details ?? []).map((detail) => detail.message))
  t.equal(messages.size, 1, 'unknown keys share one message')
})

t.test('a missing required field is named', async (t) => {
  const error = toAppError(fastifyValidationError({ groupType: 'ok' }))
  t.equal(error.code, 'VALIDATION_ERROR')
  t.strictSame(
    (error.details ?? []).map((detail) => detail.field),
    ['name'],
  )
})

t.test('a problem with the whole part is named after the part', async (t) => {
  const asBody = toAppError(fastifyValidationError('not an object'))
  t.strictSame(
    (asBody.details ?? []).map((detail) => detail.field),
    ['body'],
  )
  const asQuery = toAppError(fastifyValidationError(42, 'querystring'))
  t.equal(asQuery.code, 'VALIDATION_ERROR')
  t.strictSame(
    (asQuery.details ?? []).map((detail) => detail.field),
    ['querystring'],
  )
})

t.test('Fastify content-type and body-size errors keep their meaning', async (t) => {
  const mediaType = toAppError(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/plain'))
  t.equal(mediaType.code, 'UNSUPPORTED_MEDIA_TYPE')
  t.equal(mediaType.status, 415)

  const tooLarge = toAppError(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())
  t.equal(tooLarge.code, 'PAYLOAD_TOO_LARGE')
  t.equal(tooLarge.status, 413)

  const invalidJson = toAppError(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY())
  t.equal(invalidJson.code, 'VALIDATION_ERROR')
  t.equal(invalidJson.status, 400)
})

t.test(
  "each of Fastify's errors in the table becomes its code, naming the body when it is at fault",
  async (t) => {
    const entries = Object.entries(FASTIFY_ERRORS) as [
      keyof typeof errorCodes,
      { code: string; body?: string },
    ][]
    t.ok(entries.length > 0)
    for (const [fastifyCode, { code, body }] of entries) {
      const original = new errorCodes[fastifyCode]()
      const error = toAppError(original)
      t.equal(error.code, code, fastifyCode)
      t.equal(error.status, original.statusCode, `${fastifyCode}: Fastify's status and the catalogue's agree`)
      t.equal(error.message, body ?? ERROR_CATALOGUE[error.code].message, `${fastifyCode}: a safe message`)
      t.strictSame(error.details, body ? [{ field: 'body', message: body }] : undefined, fastifyCode)
      t.equal(error.cause, original)
    }
  },
)

t.test('another 4xx error is known by its status only, and told with the safe message', async (t) => {
  // As @fastify/static refuses a conditional request or a path, and answers a bad Range.
  const cases: [number, string, number][] = [
    [403, 'FORBIDDEN', 403],
    [412, 'PRECONDITION_FAILED', 412],
    [400, 'VALIDATION_ERROR', 400],
    [416, 'VALIDATION_ERROR', 400],
  ]
  for (const [statusCode, code, status] of cases) {
    const error = toAppError(Object.assign(new Error('framework detail'), { statusCode, code: 'SOME_CODE' }))
    t.equal(error.code, code, `${statusCode} code`)
    t.equal(error.status, status, `${statusCode} status`)
    t.equal(error.message, ERROR_CATALOGUE[error.code].message, `${statusCode} message`)
    t.equal(error.details, undefined)
  }
})

t.test('Fastify-like errors are mapped by their statusCode', async (t) => {
  const cases: [number, string, number][] = [
    [415, 'UNSUPPORTED_MEDIA_TYPE', 415],
    [413, 'PAYLOAD_TOO_LARGE', 413],
    [401, 'UNAUTHORIZED', 401],
    [404, 'NOT_FOUND', 404],
    [429, 'RATE_LIMITED', 429],
  ]
  for (const [statusCode, code, status] of cases) {
    const original = Object.assign(new Error('framework detail'), { statusCode })
    const error = toAppError(original)
    t.equal(error.code, code, `${statusCode} code`)
    t.equal(error.status, status, `${statusCode} status`)
    t.equal(error.cause, original, `${statusCode} keeps the cause`)
  }
})

t.test('a throttled DynamoDB call becomes SERVICE_UNAVAILABLE with Retry-After', async (t) => {
  const throttled = { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }
  const error = toAppError(throttled)
  t.equal(error.code, 'SERVICE_UNAVAILABLE')
  t.equal(error.status, 503)
  t.type(error.retryAfterSeconds, 'number')
  t.ok((error.retryAfterSeconds ?? 0) > 0, 'a positive Retry-After')
  t.equal(error.cause, throttled)
})

t.test('other unavailable-dependency errors become SERVICE_UNAVAILABLE', async (t) => {
  const errors = [
    // As the SDK raises it once its retries are spent.
    Object.assign(new Error('read ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      $metadata: { attempts: 3, totalRetryDelay: 120 },
    }),
    { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } },
    { name: 'SomeServerFault', $metadata: { httpStatusCode: 500 } },
  ]
  for (const original of errors) {
    const error = toAppError(original)
    t.equal(error.code, 'SERVICE_UNAVAILABLE', String((original as { name?: string }).name))
    t.ok((error.retryAfterSeconds ?? 0) > 0)
  }
})

t.test("a client hanging up mid-body is the client's socket, not DynamoDB's", async (t) => {
  // What Fastify's body reader passes on when the client's connection closes.
  const cutOff = Object.assign(new Error('aborted'), { code: 'ECONNRESET', statusCode: 400 })
  const error = toAppError(cutOff)
  t.not(error.code, 'SERVICE_UNAVAILABLE')
  t.equal(error.status, 400)
  t.equal(error.retryAfterSeconds, undefined)
})

t.test('an unknown error becomes INTERNAL_ERROR without its message', async (t) => {
  const secret = 'connection string postgres://admin:hunter2@db'
  const original = new Error(secret)
  const error = toAppError(original)
  t.equal(error.code, 'INTERNAL_ERROR')
  t.equal(error.status, 500)
  t.notOk(error.message.includes(secret), 'the original message is not shown')
  t.notOk(error.message.includes('hunter2'))
  t.equal(error.details, undefined)
  t.equal(error.retryAfterSeconds, undefined)
  t.equal(error.cause, original, 'the original stays as the cause, for the log')
})

t.test('thrown non-errors become INTERNAL_ERROR', async (t) => {
  for (const thrown of ['a string', undefined, null, 42, { some: 'object' }]) {
    const error = toAppError(thrown)
    t.equal(error.code, 'INTERNAL_ERROR', JSON.stringify(thrown))
    t.equal(error.status, 500)
  }
})

t.test('a 5xx Fastify-like error is an internal error, not a client one', async (t) => {
  const error = toAppError(Object.assign(new Error('plugin crashed'), { statusCode: 500 }))
  t.equal(error.code, 'INTERNAL_ERROR')
  t.equal(error.status, 500)
})
