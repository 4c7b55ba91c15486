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
