import t from 'tap'
import { GROUP_RESPONSE_FIELDS } from '../../../../src/http/routes/groups/schemas.js'
import { Group } from '../../../../src/models/index.js'
import { groups } from '../../../../src/resources/groups.js'

const presentGroup = (group: Group, fields?: readonly string[]) => groups.present(group, fields)

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
