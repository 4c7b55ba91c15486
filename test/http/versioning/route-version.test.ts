import Fastify, { type RouteOptions } from 'fastify'
import { validatorCompiler } from 'fastify-type-provider-zod'
import t from 'tap'
import { z } from 'zod'
import { notFound } from '../../../src/errors/app-error.js'
import { page, success } from '../../../src/http/envelope.js'
import { dataResponse, errorResponses, pageResponse } from '../../../src/http/schemas/responses.js'
import { fieldsToCurrent, fieldsToVersion } from '../../../src/http/versioning/field-renames.js'
import { applyVersion } from '../../../src/http/versioning/route-version.js'
import type { SchemaChange, VersionChanges } from '../../../src/http/versioning/schema-change.js'
import { UnversionedPaths } from '../../../src/http/versioning/unversioned-paths.js'
import { versionedRoutes } from '../../../src/http/versioning/versioned-routes.js'

// A toy resource: handlers speak `kind`, v1 calls it `type`.
const RENAMES = { kind: { name: 'type' } }
const body = z.strictObject({ kind: z.string() })
const bodyV1 = z.strictObject({ type: z.string() })
const thing = z.strictObject({ id: z.string(), kind: z.string() })
const thingV1 = z.strictObject({ id: z.string(), type: z.string() })
const params = z.strictObject({ id: z.string() })
const CHANGES_V1: SchemaChange[] = [
  { current: body, version: bodyV1, toCurrent: (value) => fieldsToCurrent(RENAMES, value) },
  { current: thing, version: thingV1, toVersion: (value) => fieldsToVersion(RENAMES, value) },
]
const CHANGES: VersionChanges = { v1: CHANGES_V1, v2: [] }

async function buildThingsApp() {
  const seen: unknown[] = []
  const app = Fastify()
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(() => JSON.stringify)
  await app.register(versionedRoutes, {
    changes: CHANGES,
    unversioned: new UnversionedPaths(),
    routes: async (api) => {
      api.post(
        '/things',
        { schema: { body, response: { 201: dataResponse(thing, 'created') } } },
        async (request, reply) => {
          seen.push(request.body)
          return reply.status(201).send(success({ id: '1', ...(request.body as object) }))
        },
      )
      api.get('/things', { schema: { response: { 200: pageResponse(thing, 'a page') } } }, async () =>
        page(
          [
            { id: '1', kind: 'a' },
            { id: '2', kind: 'b' },
          ],
          null,
          25,
        ),
      )
      api.get(
        '/things/:id',
        { schema: { params, response: { 200: dataResponse(thing, 'one'), ...errorResponses(404) } } },
        async () => {
          throw notFound('thing')
        },
      )
    },
  })
  t.teardown(() => app.close())
  return { app, seen }
}

t.test(
  'a version’s requests reach the handler in its shape, and its answers leave in the version’s',
  async (t) => {
    const { app, seen } = await buildThingsApp()
    const v1 = await app.inject({ method: 'POST', url: '/v1/things', payload: { type: 'a' } })
    t.equal(v1.statusCode, 201)
    t.strictSame(seen.pop(), { kind: 'a' }, 'the handler got the handler shape')
    t.strictSame(v1.json().data, { id: '1', type: 'a' })

    const v2 = await app.inject({ method: 'POST', url: '/v2/things', payload: { kind: 'b' } })
    t.strictSame(seen.pop(), { kind: 'b' })
    t.strictSame(v2.json().data, { id: '1', kind: 'b' })

    t.equal((await app.inject({ method: 'POST', url: '/v1/things', payload: { kind: 'a' } })).statusCode, 400)
    t.equal((await app.inject({ method: 'POST', url: '/v2/things', payload: { type: 'a' } })).statusCode, 400)
    t.equal(seen.length, 0, 'refused requests never reach the handler')

    const list = await app.inject({ method: 'GET', url: '/v1/things' })
    t.strictSame(list.json().data, [
      { id: '1', type: 'a' },
      { id: '2', type: 'b' },
    ])
    t.strictSame(list.json().page, { nextCursor: null, limit: 25 })
  },
)

t.test('errors pass unchanged', async (t) => {
  const { app } = await buildThingsApp()
  const missing = await app.inject({ method: 'GET', url: '/v1/things/x' })
  t.equal(missing.statusCode, 404)
  t.notOk('data' in missing.json())
})

t.test(
  'applyVersion swaps the schemas and adds hooks only where the version changes something',
  async (t) => {
    const handler = async () => ({})
    const original = {
      params,
      body,
      response: { 200: dataResponse(thing, 'one'), ...errorResponses(404) } as Record<number, unknown>,
    }
    const route = { method: 'PATCH', url: '/v1/things/:id', handler, schema: original } as RouteOptions
    applyVersion(route, 'v1', CHANGES_V1)
    t.equal(route.config?.apiVersion, 'v1')
    const schema = route.schema as typeof original & { tags: string[] }
    t.same(schema.tags, ['v1'])
    t.equal(schema.body, bodyV1)
    t.equal(schema.params, params, 'unchanged parts stay')
    t.equal(schema.response[404], original.response[404])
    t.not(schema.response[200], original.response[200])
    t.equal(original.body, body, 'the route’s own schema object is left alone (its HEAD twin shares it)')
    t.equal([route.preHandler].flat().length, 1)
    t.equal([route.preSerialization].flat().length, 1)

    const unchanged = { method: 'GET', url: '/v1/things/:id', handler, schema: { params } } as RouteOptions
    applyVersion(unchanged, 'v1', CHANGES_V1)
    t.equal(unchanged.preHandler, undefined)
    t.equal(unchanged.preSerialization, undefined)

    const current = { method: 'POST', url: '/v2/things', handler, schema: { body } } as RouteOptions
    applyVersion(current, 'v2', [])
    t.equal((current.schema as { body: unknown }).body, body)
    t.equal(current.preHandler, undefined)
  },
)

t.test('a change without its conversion is refused at start-up', async (t) => {
  const handler = async () => ({})
  t.throws(
    () =>
      applyVersion({ method: 'POST', url: '/x', handler, schema: { body } }, 'v1', [
        { current: body, version: bodyV1 },
      ]),
    /toCurrent/,
  )
  const response = { 200: dataResponse(thing, 'one') }
  t.throws(
    () =>
      applyVersion({ method: 'GET', url: '/x', handler, schema: { response } }, 'v1', [
        { current: thing, version: thingV1 },
      ]),
    /toVersion/,
  )
})

t.test(
  'a part that holds a changed schema without being changed itself is refused at start-up',
  async (t) => {
    const handler = async () => ({})
    const batch = z.strictObject({ items: z.array(body).max(10) })
    t.throws(
      () =>
        applyVersion(
          { method: 'POST', url: '/v1/things/batch', handler, schema: { body: batch } },
          'v1',
          CHANGES_V1,
        ),
      /POST \/v1\/things\/batch: its body holds .* which v1 changes/,
    )
    const wrapped = { 200: dataResponse(z.strictObject({ thing, extra: z.string() }), 'wrapped') }
    t.throws(
      () =>
        applyVersion(
          { method: 'GET', url: '/v1/wrapped', handler, schema: { response: wrapped } },
          'v1',
          CHANGES_V1,
        ),
      /its 200 response holds/,
    )
    const v2 = { method: 'POST', url: '/v2/things/batch', handler, schema: { body: batch } } as RouteOptions
    t.doesNotThrow(() => applyVersion(v2, 'v2', CHANGES.v2), 'the handler version changes nothing')
    const batchV1 = z.strictObject({ items: z.array(bodyV1).max(10) })
    const declared: SchemaChange = { current: batch, version: batchV1, toCurrent: (value) => value }
    t.doesNotThrow(
      () =>
        applyVersion({ method: 'POST', url: '/v1/things/batch', handler, schema: { body: batch } }, 'v1', [
          ...CHANGES_V1,
          declared,
        ]),
      'a part with its own change is fine',
    )
  },
)

t.test(
  'a schema that many routes share is looked through once per version, not once per route',
  async (t) => {
    const handler = async () => ({})
    const shared = z.strictObject({ id: z.string(), note: z.string() })
    // Each conversion to JSON Schema (how a part is looked through for changed schemas) processes it.
    let conversions = 0
    const process = shared._zod.processJSONSchema
    t.ok(process, 'zod converts through processJSONSchema')
    shared._zod.processJSONSchema = (...args) => {
      conversions++
      return process?.(...args)
    }
    for (const url of ['/a/:id', '/b/:id', '/c/:id'])
      applyVersion({ method: 'GET', url, handler, schema: { params: shared } }, 'v1', CHANGES_V1)
    t.equal(conversions, 1)
  },
)
