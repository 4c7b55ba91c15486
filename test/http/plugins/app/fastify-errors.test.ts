// Fastify's own errors as real requests meet them: each entry of the error handler's table is
// reached, and what it no longer lists cannot be.
import { setTimeout as sleep } from 'node:timers/promises'
import { errorCodes, type InjectOptions } from 'fastify'
import t from 'tap'
import { type FASTIFY_ERRORS, toAppError } from '../../../../src/http/plugins/app/error-handler.js'
import { buildTestApp } from '../../../helpers/app.js'
import { rawConnection } from '../../../helpers/raw-connection.js'

const BODY_LIMIT = 1024
const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf])
const json = { 'content-type': 'application/json' }

/** A request that makes Fastify raise each error of the table. */
const RAISED_BY: Record<keyof typeof FASTIFY_ERRORS, InjectOptions> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { headers: { 'content-type': 'application/xml' }, payload: '<x/>' },
  FST_ERR_CTP_BODY_TOO_LARGE: { headers: json, payload: JSON.stringify({ name: 'x'.repeat(BODY_LIMIT) }) },
  FST_ERR_CTP_INVALID_JSON_BODY: { headers: json, payload: '{' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { headers: json, payload: BYTE_ORDER_MARK },
}

t.test('each Fastify error of the table is raised by a request and answered from the table', async (t) => {
  const { as } = await buildTestApp(t, { env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) } })
  const alice = as('acme', 'alice', ['tenant_admin'])
  for (const [fastifyCode, request] of Object.entries(RAISED_BY) as [
    keyof typeof RAISED_BY,
    InjectOptions,
  ][]) {
    const expected = toAppError(new errorCodes[fastifyCode]())
    for (const [method, url] of [
      ['POST', '/v2/groups'],
      ['PATCH', '/v2/groups/01HM4ZB3Q5X7K9N2P4R6T8V0WY'],
    ] as const) {
      const response = await alice({ ...request, method, url })
      t.equal(response.statusCode, expected.status, `${fastifyCode}: ${method}`)
      t.match(
        response.json().error,
        { code: expected.code, message: expected.message, details: expected.details },
        `${fastifyCode}: ${method}`,
      )
    }
  }
})

t.test('a body whose length is not its Content-Length never reaches Fastify', async (t) => {
  // So Fastify's FST_ERR_CTP_INVALID_CONTENT_LENGTH cannot happen: Node's parser reads a body by
  // its Content-Length, and refuses a request that ends short or that also says it is chunked.
  const { app, token } = await buildTestApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const head = [
    'POST /v2/groups HTTP/1.1',
    'Host: localhost',
    `Authorization: Bearer ${token('acme', 'alice', ['tenant_admin'])}`,
    'Content-Type: application/json',
    'Content-Length: 20',
  ].join('\r\n')
  const requests: [string, string, boolean][] = [
    ['a body cut short', `${head}\r\n\r\n{"name":`, true],
    ['chunks as well', `${head}\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`, false],
  ]
  for (const [what, text, endsSending] of requests) {
    const connection = await rawConnection(port, { allowHalfOpen: true })
    connection.socket.write(text)
    if (endsSending) connection.socket.end()
    await Promise.race([connection.closedAt, sleep(5_000)])
    connection.socket.destroy()
    const [status, ...rest] = connection.received().split('\r\n')
    t.match(status, /^HTTP\/1\.1 400 /, what)
    const body = JSON.parse(rest.slice(rest.indexOf('') + 1).join('\r\n'))
    t.match(
      body.error,
      { code: 'VALIDATION_ERROR', details: [{ field: 'request' }] },
      `${what}: refused unread`,
    )
  }
})
