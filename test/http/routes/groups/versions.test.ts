import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'

const V1_KEYS = [
  'color',
  'createdUtc',
  'description',
  'icon',
  'id',
  'isPrivate',
  'name',
  'tenantId',
  'type',
  'updatedUtc',
  'userId',
  'version',
]

t.test(
  'v1 and v2 clients create, read, update and list the same groups, each in its own shape',
  async (t) => {
    const { as } = await buildTestApp(t)
    const alice = as('acme', 'alice', ['member'])

    const fromV2 = await alice({
      method: 'POST',
      url: '/v2/groups',
      payload: { name: 'Alpha', groupType: 'team', privacySettings: { visibility: 'public' } },
    })
    t.equal(fromV2.statusCode, 201)
    t.equal(fromV2.headers['api-version'], 'v2')
    const alpha = fromV2.json().data

    const fromV1 = await alice({
      method: 'POST',
      url: '/v1/groups',
      payload: { name: 'Beta', type: 'club', isPrivate: false, color: 'red' },
    })
    t.equal(fromV1.statusCode, 201)
    t.equal(fromV1.headers['api-version'], 'v1')
    const beta = fromV1.json().data
    t.same(Object.keys(beta).sort(), V1_KEYS, 'a v1 group has the v1 fields only')
    t.match(beta, { name: 'Beta', type: 'club', isPrivate: false, color: 'red', version: 1, userId: 'alice' })
    t.equal(fromV1.headers.location, `/v1/groups/${beta.id}`)
    t.equal(fromV1.headers.etag, '"1"')

    await t.test('each version reads the other’s group in its own shape', async (t) => {
      const betaV2 = await alice({ method: 'GET', url: `/v2/groups/${beta.id}` })
      t.equal(betaV2.headers['api-version'], 'v2')
      t.match(betaV2.json().data, { groupType: 'club', privacySettings: { visibility: 'tenant' } })
      t.notOk('type' in betaV2.json().data)
      t.notOk('isPrivate' in betaV2.json().data)

      const alphaV1 = await alice({ method: 'GET', url: `/v1/groups/${alpha.id}` })
      t.equal(alphaV1.statusCode, 200)
      t.equal(alphaV1.headers['api-version'], 'v1')
      t.equal(alphaV1.headers.etag, '"1"')
      t.same(alphaV1.json().data, {
        id: alpha.id,
        tenantId: 'acme',
        userId: 'alice',
        name: 'Alpha',
        description: null,
        type: 'team',
        icon: null,
        color: null,
        isPrivate: false,
        version: 1,
        createdUtc: alpha.createdUtc,
        updatedUtc: alpha.updatedUtc,
      })
    })

    await t.test('updates through either version are seen by both', async (t) => {
      const v1Update = await alice({
        method: 'PATCH',
        url: `/v1/groups/${alpha.id}`,
        headers: { 'if-match': '"1"' },
        payload: { type: 'guild', isPrivate: true },
      })
      t.equal(v1Update.statusCode, 200)
      t.match(v1Update.json().data, { type: 'guild', isPrivate: true, version: 2 })
      const alphaV2 = (await alice({ method: 'GET', url: `/v2/groups/${alpha.id}` })).json().data
      t.match(alphaV2, { groupType: 'guild', privacySettings: { visibility: 'private' }, version: 2 })

      const v2Update = await alice({
        method: 'PATCH',
        url: `/v2/groups/${beta.id}`,
        payload: { privacySettings: { visibility: 'private' } },
      })
      t.equal(v2Update.statusCode, 200)
      const betaV1 = (await alice({ method: 'GET', url: `/v1/groups/${beta.id}` })).json().data
      t.match(betaV1, { isPrivate: true, type: 'club', version: 2 })

      const madePublicByV1 = await alice({
        method: 'PATCH',
        url: `/v1/groups/${beta.id}`,
        payload: { isPrivate: false },
      })
      t.equal(madePublicByV1.json().data.isPrivate, false)
      const betaV2 = (await alice({ method: 'GET', url: `/v2/groups/${beta.id}` })).json().data
      t.same(betaV2.privacySettings, { visibility: 'tenant' }, 'isPrivate false means visible to the tenant')
    })

    await t.test('lists filter by type= in v1 and groupType= in v2', async (t) => {
      const v1List = await alice({ method: 'GET', url: '/v1/groups?type=club' })
      t.equal(v1List.statusCode, 200)
      t.equal(v1List.headers['api-version'], 'v1')
      t.same(
        v1List.json().data.map((g: { id: string }) => g.id),
        [beta.id],
      )
      t.same(Object.keys(v1List.json().data[0]).sort(), V1_KEYS)

      const mine = await alice({ method: 'GET', url: '/v1/groups?scope=mine&type=guild' })
      t.same(
        mine.json().data.map((g: { id: string; type: string }) => [g.id, g.type]),
        [[alpha.id, 'guild']],
      )

      const v2List = await alice({ method: 'GET', url: '/v2/groups?groupType=club' })
      t.match(v2List.json().data, [
        { id: beta.id, groupType: 'club', privacySettings: { visibility: 'tenant' } },
      ])

      const byTime = await alice({ method: 'GET', url: '/v1/groups?order=asc' })
      t.same(
        byTime.json().data.map((g: { id: string; isPrivate: boolean }) => [g.id, g.isPrivate]),
        [
          [alpha.id, true],
          [beta.id, false],
        ],
      )
    })

    await t.test('fields= names v1 fields in v1', async (t) => {
      const projected = await alice({ method: 'GET', url: '/v1/groups?type=club&fields=id,type,isPrivate' })
      t.equal(projected.statusCode, 200)
      t.same(projected.json().data, [{ id: beta.id, type: 'club', isPrivate: false }])

      const v2Names = await alice({ method: 'GET', url: '/v1/groups?fields=id,groupType' })
      t.equal(v2Names.statusCode, 400)
      t.equal(v2Names.json().error.code, 'VALIDATION_ERROR')
    })

    await t.test('deleted through v1, gone from both', async (t) => {
      t.equal((await alice({ method: 'DELETE', url: `/v1/groups/${beta.id}` })).statusCode, 204)
      for (const version of ['v1', 'v2']) {
        const gone = await alice({ method: 'GET', url: `/${version}/groups/${beta.id}` })
        t.equal(gone.statusCode, 404, version)
        t.equal(gone.json().error.code, 'NOT_FOUND')
        t.equal(gone.headers['api-version'], version)
      }
    })
  },
)

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

t.test('unversioned paths follow the API-Version header, v2 by default', async (t) => {
  const { as } = await buildTestApp(t)
  const alice = as('acme', 'alice', ['member'])

  const created = await alice({
    method: 'POST',
    url: '/groups',
    headers: { 'api-version': 'v1' },
    payload: { name: 'Gamma', type: 'team' },
  })
  t.equal(created.statusCode, 201)
  t.equal(created.headers['api-version'], 'v1')
  const gamma = created.json().data
  t.match(gamma, { type: 'team', isPrivate: true }, 'v1 groups are private by default too')
  t.equal(created.headers.location, `/v1/groups/${gamma.id}`)

  const asDefault = await alice({ method: 'GET', url: `/groups/${gamma.id}` })
  t.equal(asDefault.statusCode, 200)
  t.equal(asDefault.headers['api-version'], 'v2')
  t.match(asDefault.json().data, { groupType: 'team', privacySettings: { visibility: 'private' } })

  const asV1 = await alice({ method: 'GET', url: `/groups/${gamma.id}`, headers: { 'api-version': 'v1' } })
  t.equal(asV1.headers['api-version'], 'v1')
  t.match(asV1.json().data, { type: 'team', isPrivate: true })

  const asV2 = await alice({ method: 'GET', url: '/groups?groupType=team', headers: { 'api-version': 'v2' } })
  t.equal(asV2.headers['api-version'], 'v2')
  t.same(
    asV2.json().data.map((g: { id: string }) => g.id),
    [gamma.id],
  )

  const head = await alice({ method: 'HEAD', url: '/groups?type=team', headers: { 'api-version': 'v1' } })
  t.equal(head.statusCode, 200, 'HEAD of a v1 list takes the v1 query too')

  const pathWins = await alice({
    method: 'GET',
    url: `/v2/groups/${gamma.id}`,
    headers: { 'api-version': 'v1' },
  })
  t.equal(pathWins.headers['api-version'], 'v2', 'a versioned path is served by its version')
  t.ok(pathWins.json().data.groupType)
})

t.test('an unknown version is a 400 naming the supported ones', async (t) => {
  const { app, as } = await buildTestApp(t)
  const alice = as('acme', 'alice', ['member'])
  const responses = {
    path: await alice({ method: 'GET', url: '/v3/groups' }),
    pathWithoutToken: await app.inject({ method: 'POST', url: '/v0/groups/x', payload: {} }),
    header: await alice({ method: 'GET', url: '/groups', headers: { 'api-version': 'v9' } }),
    headerOnItem: await alice({ method: 'DELETE', url: '/groups/abc', headers: { 'api-version': '2' } }),
  }
  for (const [name, response] of Object.entries(responses)) {
    t.equal(response.statusCode, 400, name)
    const error = response.json().error
    t.equal(error.code, 'VALIDATION_ERROR', name)
    t.match(error.message, /v1, v2/, `${name}: the message names the supported versions`)
    t.match(error.details, [{ field: name.startsWith('path') ? 'path' : 'API-Version', message: /v1, v2/ }])
  }

  const unknownRoute = await alice({ method: 'GET', url: '/v2/nothing', headers: { 'api-version': 'v9' } })
  t.equal(unknownRoute.statusCode, 404, 'an unknown route of a known version stays a 404')
  const notAResource = await alice({ method: 'GET', url: '/nothing', headers: { 'api-version': 'v9' } })
  t.equal(notAResource.statusCode, 404, 'the header matters only on the paths it would route')
  const health = await app.inject({ method: 'GET', url: '/health/live', headers: { 'api-version': 'v9' } })
  t.equal(health.statusCode, 200)
})
