// How bodies are read: a request without body data has no body whatever its Content-Type says,
// on every route; JSON bodies are UTF-8 only, and text that is not Unicode is refused rather than
// stored altered (U+FFFD).
import { connect } from 'node:net'
import { Readable } from 'node:stream'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'

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

/** One raw HTTP/1.1 exchange on a real socket; resolves with the status and body. */
function exchange(port: number, head: string, chunks: string[], gapMs = 0) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    socket.setEncoding('utf8')
    socket.on('data', (data) => {
      answer += data
    })
    socket.on('error', reject)
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)
      resolve({ status, body: answer.slice(answer.indexOf('\r\n\r\n') + 4) })
    })
    socket.on('connect', async () => {
      socket.write(`${head.trim().split('\n').join('\r\n')}\r\nConnection: close\r\n\r\n`)
      for (const chunk of chunks) {
        if (gapMs) await new Promise((wait) => setTimeout(wait, gapMs))
        socket.write(`${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`)
      }
      if (gapMs) await new Promise((wait) => setTimeout(wait, gapMs))
      socket.write('0\r\n\r\n')
    })
  })
}

t.test('chunked bodies on a real socket', async (t) => {
  const { app, token } = await buildTestApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const head = (method: string, url: string, contentType?: string) =>
    [
      `${method} ${url} HTTP/1.1`,
      'Host: localhost',
      `Authorization: Bearer ${token('acme', 'alice', ['tenant_admin'])}`,
      'Transfer-Encoding: chunked',
      ...(contentType ? [`Content-Type: ${contentType}`] : []),
    ].join('\n')

  const body = JSON.stringify({ name: 'chunked', groupType: 'team' })
  const whole = await exchange(port, head('POST', '/v2/groups', 'application/json'), [body])
  t.equal(whole.status, 201, 'a chunked body is read', { body: whole.body })
  const late = await exchange(
    port,
    head('POST', '/v2/groups', 'application/json'),
    [body.slice(0, 5), body.slice(5, 20), body.slice(20)],
    50,
  )
  t.equal(late.status, 201, 'a chunked body whose chunks come late and apart is read whole', {
    body: late.body,
  })
  const id: string = JSON.parse(late.body).data.id

  for (const contentType of ['application/json', 'text/plain', 'garbage', undefined]) {
    const empty = await exchange(port, head('DELETE', `/v2/groups/${MISSING_ID}`, contentType), [], 20)
    t.equal(
      empty.status,
      404,
      `DELETE, chunked with no data, Content-Type ${contentType}: reaches the handler`,
    )
  }
  const deleted = await exchange(port, head('DELETE', `/v2/groups/${id}`, 'application/json'), [])
  t.equal(deleted.status, 204, 'DELETE, chunked with no data, application/json: deleted')
  const refused = await exchange(port, head('POST', '/v2/groups', 'text/plain'), [body])
  t.equal(refused.status, 415, 'a chunked body of another type is still refused')
})
