import { readFile } from 'node:fs/promises'
import t from 'tap'
import {
  DOCUMENT_PATH,
  generateDocument,
  serializeDocument,
  validateDocument,
} from '../../../../scripts/openapi-document.js'
import { ERROR_CATALOGUE, ERROR_CODES, type ErrorCode } from '../../../../src/errors/catalogue.js'
import { buildTestApp } from '../../../helpers/app.js'
import { openApiPath } from '../../../helpers/contract.js'

type Operation = {
  security?: unknown[]
  parameters?: { name: string; in: string }[]
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> }
  responses: Record<
    string,
    { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }
  >
}
type Document = {
  openapi: string
  info: { description: string }
  security: unknown[]
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, { examples?: unknown[] }>; securitySchemes: Record<string, unknown> }
}

const committedText = await readFile(DOCUMENT_PATH, 'utf8')
const committed = JSON.parse(committedText) as Document
const METHODS = ['get', 'post', 'patch', 'delete', 'put']

t.test('GET /openapi.json serves the committed document, without a token', async (t) => {
  const { app } = await buildTestApp(t)
  const response = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /application\/json/)
  t.same(response.json(), committed)
})

t.test('the committed document is what the code generates, and valid OpenAPI 3.1', async (t) => {
  t.equal(
    serializeDocument(await generateDocument()),
    committedText,
    'run `npm run openapi` after API changes',
  )
  t.equal(committed.openapi, '3.1.0')
  t.same(await validateDocument(committed), [])

  const broken = structuredClone(committed) as unknown as Record<string, Record<string, unknown>>
  delete broken.info
  t.ok((await validateDocument(broken)).length > 0, 'the validator does refuse a broken document')
})

t.test('every route is in the document, and every documented operation is a route', async (t) => {
  const { routes } = await buildTestApp(t)
  const registered = new Set<string>()
  for (const { method, url, hidden } of routes) {
    if (hidden) {
      // Hidden on purpose, and only these: the Swagger UI's own routes and the CORS preflight.
      t.ok(/^\/docs(\/|$)/.test(url) || (method === 'OPTIONS' && url === '*'), `${method} ${url} hidden`)
      continue
    }
    // Fastify's HEAD twin of a GET route is documented by the GET.
    const documented = method === 'HEAD' ? 'get' : method.toLowerCase()
    registered.add(`${documented} ${openApiPath(url)}`)
    t.ok(committed.paths[openApiPath(url)]?.[documented], `${method} ${url} is documented`)
  }
  const documented = Object.entries(committed.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => METHODS.includes(key))
      .map((method) => `${method} ${path}`),
  )
  t.same(
    documented.filter((operation) => !registered.has(operation)),
    [],
    'no operation without a route',
  )
  for (const operation of [
    'get /v1/groups/{id}',
    'post /v2/groups',
    'get /health/ready',
    'get /metrics',
    'get /docs',
  ]) {
    t.ok(registered.has(operation), operation)
  }
})

t.test('operations without a token are exactly the public ones', async (t) => {
  const { app } = await buildTestApp(t)
  t.same(committed.security, [{ bearerAuth: [] }])
  t.match(committed.components.securitySchemes.bearerAuth, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  })
  for (const [path, item] of Object.entries(committed.paths)) {
    if (!item.get) continue
    const isPublic = Array.isArray(item.get.security) && item.get.security.length === 0
    const url = path.replace('{id}', '01HM4ZB3Q5X7K9N2P4R6T8V0WY')
    const response = await app.inject({ method: 'GET', url })
    t.equal(response.statusCode === 401, !isPublic, `GET ${path} without a token: ${response.statusCode}`)
    t.equal(
      Boolean(item.get.responses['401']),
      !isPublic,
      `GET ${path} documents 401 only if it needs a token`,
    )
  }
})

t.test('/docs shows the document in Swagger UI, without a token', async (t) => {
  const { app } = await buildTestApp(t)
  const page = await app.inject({ method: 'GET', url: '/docs' })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /text\/html/)
  t.match(page.body, /swagger-ui/)
  const json = await app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(json.statusCode, 200)
  t.same(json.json(), committed)
})

t.test('each version is documented in its own shapes', async (t) => {
  const body = (path: string, method: string) =>
    committed.paths[path]?.[method]?.requestBody?.content['application/json']?.schema.$ref
  t.equal(body('/v1/groups', 'post'), '#/components/schemas/CreateGroupV1Input')
  t.equal(body('/v2/groups', 'post'), '#/components/schemas/CreateGroupInput')
  t.equal(body('/v1/groups/{id}', 'patch'), '#/components/schemas/UpdateGroupV1Input')

  const query = (path: string) => (committed.paths[path]?.get?.parameters ?? []).map((p) => p.name)
  t.ok(query('/v1/groups').includes('type'))
  t.notOk(query('/v1/groups').includes('groupType'))
  t.ok(query('/v2/groups').includes('groupType'))
  t.notOk(query('/v2/groups').includes('type'))

  const data = (path: string, status: string) =>
    committed.paths[path]?.get?.responses[status]?.content?.['application/json']?.schema.properties?.data
  t.same(data('/v1/groups/{id}', '200'), { $ref: '#/components/schemas/GroupV1' })
  t.same(data('/v2/groups/{id}', '200'), { $ref: '#/components/schemas/Group' })
  t.same(data('/v1/groups', '200'), { type: 'array', items: { $ref: '#/components/schemas/ListedGroupV1' } })

  const v1Group = committed.components.schemas.GroupV1 as { properties: Record<string, unknown> }
  t.same(v1Group.properties.isPrivate, {
    type: 'boolean',
    description: 'true: only the owner and tenant admins may read it; false: everyone in the tenant',
  })
  t.notOk('groupType' in v1Group.properties)
})

t.test('the error envelope, its codes and examples are documented', async (t) => {
  for (const code of ERROR_CODES) {
    t.match(committed.info.description, new RegExp(`\\| ${code} \\| ${ERROR_CATALOGUE[code].status} \\|`))
  }
  const patch = committed.paths['/v2/groups/{id}']?.patch?.responses ?? {}
  t.same(Object.keys(patch).sort(), [
    '200',
    '400',
    '401',
    '403',
    '404',
    '409',
    '412',
    '413',
    '415',
    '429',
    '500',
    '503',
  ])
  for (const name of ['Group', 'GroupV1', 'CreateGroupInput', 'CreateGroupV1Input', 'Error400', 'Error404']) {
    t.ok((committed.components.schemas[name]?.examples ?? []).length > 0, `${name} has an example`)
  }
})

t.test('each error status a route documents shows an example of each of its codes', async (t) => {
  type Schema = {
    examples?: { error: { code: string } }[]
    properties?: { error?: { properties?: { code?: { enum?: string[] } } } }
  }
  const schemas = committed.components.schemas as Record<string, Schema>
  const responses = Object.values(committed.paths).flatMap((item) =>
    Object.values(item).flatMap((operation) => Object.entries(operation.responses ?? {})),
  )
  const documented = new Set<string>()
  for (const [status, response] of responses) {
    if (Number(status) < 400) continue
    const ref = (response.content?.['application/json']?.schema as { $ref?: string } | undefined)?.$ref
    t.ok(ref, `a ${status} response refers to a schema`)
    documented.add(`${status} ${ref}`)
  }
  t.ok(documented.size >= 10, 'many error statuses are documented')
  for (const entry of documented) {
    const [status, ref] = entry.split(' ') as [string, string]
    const schema = schemas[ref.replace('#/components/schemas/', '')] ?? {}
    t.ok((schema.examples ?? []).length > 0, `${status} ${ref} has an example`)
    // The health routes' 503s carry their report, not the error envelope.
    const codes = schema.properties?.error?.properties?.code?.enum
    if (!codes) continue
    const shown = (schema.examples ?? []).map((example) => example.error.code)
    t.same(shown.sort(), [...codes].sort(), `${status}: an example for each of ${codes.join(', ')}`)
    for (const code of shown) {
      t.equal(ERROR_CATALOGUE[code as ErrorCode]?.status, Number(status), `${code} has status ${status}`)
    }
  }
})

t.test('framework errors answer in the documented error envelope', async (t) => {
  // Each response is also checked against the document by the test app's contract hook.
  const { app, as } = await buildTestApp(t, { env: { BODY_LIMIT_BYTES: '1024' } })
  const alice = as('acme', 'alice')
  const cases = [
    [
      415,
      await alice({
        method: 'POST',
        url: '/v2/groups',
        headers: { 'content-type': 'application/xml' },
        payload: '<x/>',
      }),
    ],
    [
      413,
      await alice({ method: 'POST', url: '/v1/groups', payload: { name: 'x'.repeat(2000), type: 'team' } }),
    ],
    [
      400,
      await alice({
        method: 'PATCH',
        url: '/v2/groups/01HM4ZB3Q5X7K9N2P4R6T8V0WY',
        headers: { 'content-type': 'application/json' },
        payload: '{',
      }),
    ],
    [404, await app.inject({ method: 'GET', url: '/no/such/route' })],
    [401, await app.inject({ method: 'GET', url: '/v1/groups' })],
  ] as const
  for (const [status, response] of cases) {
    t.equal(response.statusCode, status)
    t.match(response.json(), { success: false, error: { code: String }, correlationId: String })
  }
})
