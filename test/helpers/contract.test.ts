// The contract checker must catch what the document does not describe, or every integration test
// would pass it vacuously.
import t from 'tap'
import { Group } from '../../src/models/index.js'
import { groups } from '../../src/resources/groups.js'
import { serviceToken } from '../../src/resources/index.js'
import { ResourceService } from '../../src/services/resource-service.js'
import { ok } from '../../src/services/service-result.js'
import { buildTestApp } from './app.js'
import { committedContract, type Exchange } from './contract.js'

const GROUP = {
  id: '01HM4ZB3Q5X7K9N2P4R6T8V0WY',
  tenantId: 'acme',
  userId: 'alice',
  name: 'Ops',
  description: null,
  groupType: 'team',
  icon: null,
  color: null,
  privacySettings: { visibility: 'private' },
  version: 1,
  createdUtc: '2024-01-15T10:00:00.000Z',
  updatedUtc: '2024-01-15T10:00:00.000Z',
}
const { groupType, privacySettings, ...sameInV1 } = GROUP
const GROUP_V1 = { ...sameInV1, type: groupType, isPrivate: privacySettings.visibility === 'private' }
const TIMESTAMP = '2024-01-15T10:00:00.000Z'

const json = (body: unknown) => JSON.stringify(body)
const exchange = (overrides: Partial<Exchange>): Exchange => ({
  method: 'GET',
  route: '/v2/groups/:id',
  status: 200,
  contentType: 'application/json; charset=utf-8',
  body: json({ success: true, data: GROUP, timestamp: TIMESTAMP }),
  ...overrides,
})
const error = (code: string) =>
  json({ success: false, error: { code, message: 'x' }, correlationId: 'c', timestamp: TIMESTAMP })

t.test('responses the document describes pass', async (t) => {
  const contract = committedContract()
  t.equal(contract.check(exchange({})), undefined)
  t.equal(
    contract.check(
      exchange({
        route: '/v1/groups/:id',
        body: json({ success: true, data: GROUP_V1, timestamp: TIMESTAMP }),
      }),
    ),
    undefined,
  )
  t.equal(contract.check(exchange({ status: 404, body: error('NOT_FOUND') })), undefined)
  t.equal(contract.check(exchange({ method: 'DELETE', status: 204, body: '' })), undefined)
  t.equal(contract.check(exchange({ method: 'HEAD' })), undefined)
  t.equal(contract.check(exchange({ route: undefined, status: 404, body: error('NOT_FOUND') })), undefined)
  t.equal(
    contract.check(exchange({ route: undefined, status: 400, body: error('VALIDATION_ERROR') })),
    undefined,
  )
  t.equal(
    contract.check(exchange({ route: '/metrics', contentType: 'text/plain; version=0.0.4', body: 'up 1\n' })),
    undefined,
  )
})

t.test('responses the document does not describe are violations', async (t) => {
  const contract = committedContract()
  const violations: [string, Partial<Exchange>][] = [
    [
      'an extra field',
      { body: json({ success: true, data: { ...GROUP, secret: 1 }, timestamp: TIMESTAMP }) },
    ],
    [
      'a missing field',
      { body: json({ success: true, data: { ...GROUP, name: undefined }, timestamp: TIMESTAMP }) },
    ],
    [
      'a wrong type',
      { body: json({ success: true, data: { ...GROUP, version: '1' }, timestamp: TIMESTAMP }) },
    ],
    ['a v2 group on a v1 route', { route: '/v1/groups/:id' }],
    ['a bad timestamp', { body: json({ success: true, data: GROUP, timestamp: 'yesterday' }) }],
    ['an undocumented status', { status: 418 }],
    ['an error code of another status', { status: 404, body: error('CONFLICT') }],
    ['a route not in the document', { route: '/v2/secret' }],
    ['a method not in the document', { method: 'PUT' }],
    ['a body where none is documented', { method: 'DELETE', status: 204 }],
    ['no body where one is documented', { body: '' }],
    ['another media type', { contentType: 'text/html' }],
    [
      'an unlisted route with another status',
      { route: undefined, status: 500, body: error('INTERNAL_ERROR') },
    ],
    ['the success envelope for an unlisted route', { route: undefined, status: 404 }],
  ]
  for (const [label, overrides] of violations) t.type(contract.check(exchange(overrides)), 'string', label)
})

t.test('a test app reports each response its document does not describe', async (t) => {
  const broken = Object.assign(new Group(), GROUP, { name: 42 })
  const problems: string[] = []
  const { as } = await buildTestApp(t, {
    onContractViolation: (problem) => problems.push(problem),
    register: (container) =>
      container.register(serviceToken(groups), {
        useValue: Object.assign(Object.create(ResourceService.prototype), { get: async () => ok(broken) }),
      }),
  })
  const alice = as('acme', 'alice')
  const response = await alice({ method: 'GET', url: `/v2/groups/${GROUP.id}` })
  t.equal(response.statusCode, 200, 'the response itself is sent unchanged')
  t.equal(problems.length, 1)
  t.match(problems[0], /GET \/v2\/groups\/:id → 200: .*name/)

  await alice({ method: 'GET', url: '/v2/groups?limit=0' })
  t.equal(problems.length, 1, 'a documented 400 is no violation')
})
