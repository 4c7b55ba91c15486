import t from 'tap'
import { etagOf, parseIfMatch } from '../../../../src/http/if-match.js'
import { presentGroup } from '../../../../src/http/routes/groups/presenter.js'
import { GROUP_RESPONSE_FIELDS } from '../../../../src/http/routes/groups/schemas.js'
import { Group } from '../../../../src/models/index.js'

t.test('parseIfMatch', async (t) => {
  const cases: [string | undefined, number | undefined][] = [
    ['"3"', 3],
    ['W/"3"', 3],
    ['3', 3],
    ['"0"', 0],
    ['"42"', 42],
    [' "7" ', 7],
    ['*', undefined],
    [' * ', undefined],
    [undefined, undefined],
    ['garbage', -1],
    ['', -1],
    ['""', -1],
    ['"abc"', -1],
    ['"-3"', -1],
    ['"3.5"', -1],
    ['"1e3"', -1],
    [`"${'9'.repeat(16)}"`, -1],
  ]
  for (const [header, expected] of cases) t.equal(parseIfMatch(header), expected, JSON.stringify(header))
})

t.test('etagOf quotes the version, and parseIfMatch reads it back', async (t) => {
  t.equal(etagOf(5), '"5"')
  t.equal(parseIfMatch(etagOf(12)), 12)
})

function sampleGroup(): Group {
  const group = new Group()
  group.id = '01HM4ZB3Q5X7K9N2P4R6T8V0WY'
  group.modelVersion = 7
  group.createdUtc = '2024-01-15T09:50:00.000Z'
  group.updatedUtc = '2024-01-16T10:00:00.000Z'
  group.deletedUtc = null
  group.version = 2
  group.tenantId = 'acme'
  group.userId = 'alice'
  group.name = 'Book Club'
  group.description = null
  group.groupType = 'reading'
  group.icon = 'book'
  group.color = 'red'
  group.privacySettings = { visibility: 'tenant' }
  return group
}

t.test('presentGroup shows the v2 fields and nothing internal', async (t) => {
  t.strictSame(presentGroup(sampleGroup()), {
    id: '01HM4ZB3Q5X7K9N2P4R6T8V0WY',
    tenantId: 'acme',
    userId: 'alice',
    name: 'Book Club',
    description: null,
    groupType: 'reading',
    icon: 'book',
    color: 'red',
    privacySettings: { visibility: 'tenant' },
    version: 2,
    createdUtc: '2024-01-15T09:50:00.000Z',
    updatedUtc: '2024-01-16T10:00:00.000Z',
  })
  const body = presentGroup(sampleGroup())
  t.notOk(Object.hasOwn(body, 'modelVersion'))
  t.notOk(Object.hasOwn(body, 'deletedUtc'))
  t.same(Object.keys(body).sort(), [...GROUP_RESPONSE_FIELDS].sort())
})

t.test('presentGroup with fields keeps exactly those fields', async (t) => {
  t.strictSame(presentGroup(sampleGroup(), ['id', 'name']), {
    id: '01HM4ZB3Q5X7K9N2P4R6T8V0WY',
    name: 'Book Club',
  })
  t.strictSame(
    presentGroup(sampleGroup(), ['description']),
    { description: null },
    'a null field is still shown',
  )
  t.strictSame(presentGroup(sampleGroup(), ['privacySettings', 'version']), {
    privacySettings: { visibility: 'tenant' },
    version: 2,
  })
  t.strictSame(presentGroup(sampleGroup(), []), {})
})
