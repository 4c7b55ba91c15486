// How bodies are read: a request without body data has no body whatever its Content-Type says,
// on every route; JSON bodies are UTF-8 only, and text that is not Unicode is refused rather than
// stored altered (U+FFFD).
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'
import { rawConnection } from '../../../helpers/raw-connection.js'
import { until } from '../../../helpers/until.js'

type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>

// A well-formed id no resource has: every by-id route gets as far as its handler, and answers 404.
const MISSING_ID = '01HM4ZB3Q5X7K9N2P4R6T8V0WY'
const CONTENT_TYPES: (string | undefined)[] = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'garbage',
  undefined,
]

/** Ways to send no body data: nothing, Content-Length: 0, and a chunked body with no chunk. */
const EMPTY_BODIES: [string, () => Partial<InjectOptions>][] = [
  ['no body', () => ({})],
  ['Content-Length: 0', () => ({ headers: { 'content-length': '0' } })],
  [
    'chunked with no data',
    () => ({ headers: { 'transfer-encoding': 'chunked' }, payload: Readable.from([]) }),
  ],
]

function emptyRequest(
  request: InjectOptions,
  contentType: string | undefined,
  body: () => Partial<InjectOptions>,
): InjectOptions {
  const { headers = {}, ...rest } = body()
  return {
    ...request,
    ...rest,
    headers: { ...request.headers, ...headers, ...(contentType ? { 'content-type': contentType } : {}) },
  }
}

t.test('a request without body data has no body, whatever its Content-Type', async (t) => {
  const { as, routes } = await buildTestApp(t, { env: { RATE_LIMIT_BASIC_PER_MINUTE: '100000' } })
  const root = as('platform', 'root', ['platform_admin'])
  const alice = as('acme', 'alice', ['tenant_admin'])
  t.equal(
    (await root({ method: 'POST', url: '/v2/tenants', payload: { id: 'acme', name: 'Acme', tier: 'basic' } }))
      .statusCode,
    201,
    'acme onboarded',
  )

  await t.test('DELETE with each Content-Type and each empty body deletes', async (t) => {
    for (const contentType of CONTENT_TYPES) {
      for (const [how, body] of EMPTY_BODIES) {
        const created = await alice({
          method: 'POST',
          url: '/v2/groups',
          payload: { name: 'x', groupType: 'team' },
        })
        const url = `/v2/groups/${created.json().data.id}`
        const deleted = await alice(emptyRequest({ method: 'DELETE', url }, contentType, body))
        t.equal(deleted.statusCode, 204, `DELETE, ${how}, Content-Type ${contentType}`, {
          body: deleted.body,
        })
        t.equal((await alice({ method: 'GET', url })).statusCode, 404, `${how}, ${contentType}: gone`)
      }
    }
  })

  await t.test('every route answers an empty body as it answers no body at all', async (t) => {
    const seen = new Set<string>()
    let compared = 0
    for (const route of routes) {
      if (route.method === 'HEAD' || route.method === 'OPTIONS' || route.url.includes('*')) continue
      const url = route.url.replace(/:[^/]+/g, MISSING_ID)
      if (seen.has(`${route.method} ${url}`)) continue
      seen.add(`${route.method} ${url}`)
      const client: Client = url.startsWith('/v1/tenants') || url.startsWith('/v2/tenants') ? root : alice
      const request: InjectOptions = { method: route.method as InjectOptions['method'], url }
      const bare = await client(request)
      t.ok(bare.statusCode !== 415, `${route.method} ${url} without a body is not a 415`)
      for (const contentType of CONTENT_TYPES) {
        for (const [how, body] of EMPTY_BODIES) {
          const response = await client(emptyRequest(request, contentType, body))
          compared++
          if (response.statusCode === bare.statusCode) continue
          t.fail(`${route.method} ${url}, ${how}, Content-Type ${contentType}`, {
            found: response.statusCode,
            wanted: bare.statusCode,
            body: response.body.slice(0, 200),
          })
        }
      }
    }
    t.ok(seen.size > 30, 'every route was tried', { routes: seen.size })
    t.ok(compared > 500, 'and every combination', { compared })
  })

  await t.test('a route that takes a body refuses an empty one as missing, whatever its type', async (t) => {
    for (const contentType of CONTENT_TYPES) {
      for (const [how, body] of EMPTY_BODIES) {
        const response = await alice(emptyRequest({ method: 'POST', url: '/v2/groups' }, contentType, body))
        t.equal(response.statusCode, 400, `POST, ${how}, Content-Type ${contentType}`)
        t.match(response.json().error, { code: 'VALIDATION_ERROR', details: [{ field: 'body' }] })
      }
    }
  })
})

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n'
const chunkOf = (data: string) => `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`

/**
 * One chunked request on a real socket, its chunks sent `gapMs` apart; with `expect`, only once the
 * server has answered 100 Continue (the client of a DELETE waits for it just the same).
 */
async function chunked(port: number, head: string, chunks: string[], { gapMs = 0, expect = false } = {}) {
  const connection = await rawConnection(port)
  connection.socket.write(`${head}${expect ? 'Expect: 100-continue\r\n' : ''}\r\n`)
  const invited =
    !expect || (await until(() => connection.received().startsWith(CONTINUE), 2_000)) !== undefined
  for (const data of [...chunks.map(chunkOf), '0\r\n\r\n']) {
    if (gapMs) await sleep(gapMs)
    connection.socket.write(data)
  }
  await connection.closedAt
  const answer = connection.received().replace(CONTINUE, '')
  connection.socket.destroy()
  return { invited, status: Number(answer.slice(9, 12)), body: answer.slice(answer.indexOf('\r\n\r\n') + 4) }
}

t.test('chunked bodies on a real socket', async (t) => {
  const { app, token } = await buildTestApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const head = (method: string, url: string, contentType?: string) =>
    `${method} ${url} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n` +
    `Authorization: Bearer ${token('acme', 'alice', ['tenant_admin'])}\r\n` +
    (contentType ? `Content-Type: ${contentType}\r\n` : '')

  const body = JSON.stringify({ name: 'chunked', groupType: 'team' })
  const pieces = [body.slice(0, 5), body.slice(5, 20), body.slice(20)]
  for (const expect of [false, true]) {
    const whole = await chunked(port, head('POST', '/v2/groups', 'application/json'), [body], { expect })
    t.equal(whole.status, 201, `a chunked body is read (expect: ${expect})`, { body: whole.body })
    t.ok(whole.invited, `the client is told to send (expect: ${expect})`)
    const late = await chunked(port, head('POST', '/v2/groups', 'application/json'), pieces, {
      gapMs: 50,
      expect,
    })
    t.equal(late.status, 201, `chunks that come late and apart are read whole (expect: ${expect})`, {
      body: late.body,
    })
    const created: string = JSON.parse(late.body).data.id

    for (const contentType of ['application/json', 'text/plain', 'garbage', undefined]) {
      const empty = await chunked(port, head('DELETE', `/v2/groups/${MISSING_ID}`, contentType), [], {
        gapMs: 20,
        expect,
      })
      t.ok(empty.invited, `DELETE, no chunk, Content-Type ${contentType} (expect: ${expect}): told to send`)
      t.equal(
        empty.status,
        404,
        `DELETE, no chunk, Content-Type ${contentType} (expect: ${expect}): the handler answers`,
      )
    }
    const deleted = await chunked(port, head('DELETE', `/v2/groups/${created}`, 'application/json'), [], {
      expect,
    })
    t.equal(deleted.status, 204, `DELETE, no chunk, application/json (expect: ${expect}): deleted`)
    const refused = await chunked(port, head('POST', '/v2/groups', 'text/plain'), [body], { expect })
    t.equal(refused.status, 415, `a chunked body of another type is still refused (expect: ${expect})`)
  }
})
