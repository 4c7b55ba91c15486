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

t.test('batch items are validated like single bodies of the same version', async (t) => {
  const { as } = await buildTestApp(t)
  const alice = as('acme', 'alice', ['member'])
  const items: Record<'v1' | 'v2', { valid: object; invalid: unknown[] }> = {
    v1: {
      valid: { name: 'Valid', type: 'team', isPrivate: false },
      invalid: [
        { name: 'Both', type: 'a', groupType: 'b' },
        { name: 'V2 names', groupType: 'c', privacySettings: { visibility: 'public' } },
        { name: 'Mixed', type: 'team', privacySettings: { visibility: 'public' } },
        { name: 'Not boolean', type: 'team', isPrivate: 'yes' },
        'not an object',
      ],
    },
    v2: {
      valid: { name: 'Valid', groupType: 'team', privacySettings: { visibility: 'tenant' } },
      invalid: [
        { name: 'Both', groupType: 'a', type: 'b' },
        { name: 'V1 names', type: 'c', isPrivate: true },
        { name: 'Not an enum', groupType: 'team', privacySettings: { visibility: 'secret' } },
      ],
    },
  }
  for (const version of ['v1', 'v2'] as const) {
    const { valid, invalid } = items[version]
    const batch = await alice({
      method: 'POST',
      url: `/${version}/groups/batch`,
      payload: { items: [valid, ...invalid] },
    })
    t.equal(batch.statusCode, 200, `${version}: the batch is answered`)
    const [first, ...refused] = batch.json().data
    t.match(first, { index: 0, id: /^[0-9A-Z]{26}$/ }, `${version}: the valid item is written`)
    t.equal(refused.length, invalid.length, `${version}: one outcome per invalid item`)
    for (const [position, item] of invalid.entries()) {
      const single = await alice({
        method: 'POST',
        url: `/${version}/groups`,
        payload: JSON.stringify(item),
        headers: { 'content-type': 'application/json' },
      })
      t.equal(single.statusCode, 400, `${version} ${JSON.stringify(item)}: refused alone`)
      t.same(
        refused[position],
        {
          index: position + 1,
          error: { code: 'VALIDATION_ERROR', message: 'invalid item', details: single.json().error.details },
        },
        `${version} ${JSON.stringify(item)}: refused in the batch with the same details`,
      )
    }
    const stored = await alice({ method: 'GET', url: `/${version}/groups/${first.id}` })
    t.match(
      stored.json().data,
      version === 'v1'
        ? { name: 'Valid', type: 'team', isPrivate: false }
        : { name: 'Valid', groupType: 'team', privacySettings: { visibility: 'tenant' } },
      `${version}: the valid item is stored as sent`,
    )
  }
  const listed = await alice({ method: 'GET', url: '/v2/groups' })
  t.same(
    listed
      .json()
      .data.map((group: { name: string }) => group.name)
      .sort(),
    ['Valid', 'Valid'],
    'only the valid items were written',
  )
})
