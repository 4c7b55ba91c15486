import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'

t.test('each version validates with its own schemas', async (t) => {
  const { as } = await buildTestApp(t)
  const alice = as('acme', 'alice', ['member'])
  const unknownFields = (response: {
    json(): { error: { details: { field: string; message: string }[] } }
  }) =>
    response
      .json()
      .error.details.filter((detail) => detail.message === 'unknown field')
      .map((detail) => detail.field)
      .sort()

  const v2BodyOnV1 = await alice({
    method: 'POST',
    url: '/v1/groups',
    payload: { name: 'X', groupType: 'team', privacySettings: { visibility: 'tenant' } },
  })
  t.equal(v2BodyOnV1.statusCode, 400)
  t.equal(v2BodyOnV1.json().error.code, 'VALIDATION_ERROR')
  t.same(unknownFields(v2BodyOnV1), ['groupType', 'privacySettings'])
  t.ok(
    v2BodyOnV1.json().error.details.some((detail: { field: string }) => detail.field === 'type'),
    'the missing v1 type is named',
  )

  const v1BodyOnV2 = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'X', type: 'team', isPrivate: true },
  })
  t.equal(v1BodyOnV2.statusCode, 400)
  t.same(unknownFields(v1BodyOnV2), ['isPrivate', 'type'])

  const v1Patch = await alice({
    method: 'PATCH',
    url: '/v1/groups/01HM4ZB3Q5X7K9N2P4R6T8V0WY',
    payload: { groupType: 'x' },
  })
  t.equal(v1Patch.statusCode, 400)
  t.same(unknownFields(v1Patch), ['groupType'])

  const v1NotBoolean = await alice({
    method: 'POST',
    url: '/v1/groups',
    payload: { name: 'X', type: 'team', isPrivate: 'yes' },
  })
  t.equal(v1NotBoolean.statusCode, 400)
  t.same(
    v1NotBoolean.json().error.details.map((detail: { field: string }) => detail.field),
    ['isPrivate'],
  )

  const v2QueryOnV1 = await alice({ method: 'GET', url: '/v1/groups?groupType=team' })
  t.equal(v2QueryOnV1.statusCode, 400)
  t.same(unknownFields(v2QueryOnV1), ['groupType'])

  const mineWithoutType = await alice({ method: 'GET', url: '/v1/groups?scope=mine' })
  t.equal(mineWithoutType.statusCode, 400)
  t.same(
    mineWithoutType.json().error.details.map((detail: { field: string }) => detail.field),
    ['type'],
  )
})
