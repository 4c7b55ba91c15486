// The hooks every request runs, on the hot path (a cached read, with a token and a tenant standing
// known from a moment ago): they go on at once, without a promise to settle and so without waiting
// for a microtask, in a callback chain that Fastify runs synchronously.
import { createHook } from 'node:async_hooks'
import { Agent, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { BoundedCache } from '../../../src/cache/bounded-cache.js'
import { buildTestApp } from '../../helpers/app.js'

const COUNTED = 'x-test-count'

/**
 * Counts the promises made by the app's request hooks of a marked request: from its first onRequest
 * hook to the route's own preValidation hooks, and from the preHandler hooks to its handler. (The
 * route's own hooks and its handler are not the app's request hooks.)
 */
function promiseCounter(counts: { promises: number; where: string[] }) {
  let counting = false
  const hook = createHook({
    init(_id, type) {
      if (!counting || type !== 'PROMISE') return
      counts.promises++
      counts.where.push(new Error('promise made').stack ?? '')
    },
  })
  const count = (on: boolean) => {
    counting = on
    if (on) hook.enable()
    else hook.disable()
  }
  return (app: FastifyInstance) => {
    app.addHook('onRequest', (request, _reply, done) => {
      if (request.headers[COUNTED] !== undefined) count(true)
      done()
    })
    // App-wide hooks run before the route's own ones of the same kind.
    app.addHook('preValidation', (_request, _reply, done) => {
      count(false)
      done()
    })
    app.addHook('preHandler', (request, _reply, done) => {
      if (request.headers[COUNTED] !== undefined) count(true)
      done()
    })
    app.addHook('onRoute', (route) => {
      const handler = route.handler
      route.handler = function (this: FastifyInstance, request, reply) {
        count(false)
        return handler.call(this, request, reply)
      }
    })
  }
}

t.test('a cached read runs the request hooks without a promise', async (t) => {
  const counts = { promises: 0, where: [] as string[] }
  const app = await buildTestApp(t, {
    beforeRoutes: promiseCounter(counts),
    // A loaded machine must not shed the reads of this test.
    env: { LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0', LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: '0' },
  })
  const alice = app.as('acme', 'alice', ['member'])
  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'hot', groupType: 'team' },
  })
  t.equal(created.statusCode, 201, 'created')
  const url = `/v2/groups/${created.json().data.id}`
  // The first read verifies the token, learns the tenant's standing and fills the item cache.
  t.equal((await alice({ method: 'GET', url })).statusCode, 200, 'first read')

  const read = await alice({ method: 'GET', url, headers: { [COUNTED]: '1' } })
  t.equal(read.statusCode, 200, 'the counted read is answered')
  const limit = Number(read.headers['x-ratelimit-limit'])
  t.equal(read.headers['x-ratelimit-remaining'], String(limit - 3), 'and counted by the rate limiter')
  t.equal(counts.promises, 0, 'no promise from the first hook to the handler', { where: counts.where })
})

t.test('every request runs six app-wide onRequest hooks', async (t) => {
  const added: string[] = []
  await buildTestApp(t, {
    beforeRoutes: (app) => {
      const addHook = app.addHook.bind(app) as (name: string, hook: unknown) => FastifyInstance
      Object.assign(app, {
        addHook(name: string, hook: unknown) {
          if (name === 'onRequest') added.push((hook as { name?: string }).name ?? '')
          return addHook(name, hook)
        },
      })
    },
  })
  // The outcome record, the answer's headers, CORS, load shedding, the token, the tenant's standing.
  t.equal(added.length, 6, 'one hook per concern, the answer headers in one', { added })
})

t.test('the outcome of every request is heard by one shared close listener', async (t) => {
  const listeners: unknown[][] = []
  const app = await buildTestApp(t, {
    beforeRoutes: (app) => {
      app.addHook('onResponse', (_request, reply, done) => {
        listeners.push(reply.raw.listeners('close'))
        done()
      })
    },
  })
  for (let i = 0; i < 2; i++) await app.app.inject({ method: 'GET', url: '/health/live' })
  const [first = [], second = []] = listeners
  t.ok(
    first.some((listener) => second.includes(listener)),
    'no closure, nor once() wrapper, made for each response',
  )
})

t.test('a connection sending the token it sent before is let through without a cache lookup', async (t) => {
  const app = await buildTestApp(t)
  await app.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.app.server.address() as AddressInfo
  const authorization = `Bearer ${app.token('acme', 'alice', ['member'])}`
  const lookups: unknown[] = []
  const get = BoundedCache.prototype.get
  BoundedCache.prototype.get = function (this: BoundedCache<string, object>, key: string) {
    if (key === authorization) lookups.push(key)
    return get.call(this, key)
  }
  t.teardown(() => {
    BoundedCache.prototype.get = get
  })
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => agent.destroy())
  const ports = new Set<number>()
  for (let i = 0; i < 3; i++) {
    const status = await new Promise<number>((resolve, reject) => {
      const sent = httpRequest({
        port,
        host: '127.0.0.1',
        path: '/v2/groups',
        agent,
        headers: { authorization },
      })
      sent.on('response', (response) => {
        ports.add(response.socket.localPort ?? 0)
        response.resume().on('end', () => resolve(response.statusCode ?? 0))
      })
      sent.on('error', reject).end()
    })
    t.equal(status, 200, `request ${i + 1}`)
  }
  t.equal(ports.size, 1, 'all on one connection')
  t.equal(lookups.length, 1, 'the verified tokens are looked up once, by the first request')
})
