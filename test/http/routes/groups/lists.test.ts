import t, { type Test } from 'tap'
import { buildTestApp } from '../../../helpers/app.js'
import { steppingClock } from '../../../helpers/clocks.js'

interface GroupBody {
  id: string
  name: string
  userId: string
  groupType: string
  createdUtc: string
  privacySettings: { visibility: string }
}

const START = Date.parse('2024-01-15T10:00:00Z')

t.test('the three lists page through every group once, in a stable order', async (t) => {
  // Each create gets its own second, so creation order is known and ranges can be tested.
  const { as } = await buildTestApp(t, { clock: steppingClock(START, 1000) })
  const alice = as('acme', 'alice', ['member'])
  const bob = as('acme', 'bob', ['member'])
  const admin = as('acme', 'root', ['tenant_admin'])

  const created: GroupBody[] = []
  const create = async (caller: typeof alice, index: number, groupType: string, visibility: string) => {
    const response = await caller({
      method: 'POST',
      url: '/v2/groups',
      // Mixed case and shared names: the order is by lower-cased name, then id.
      payload: {
        name: `${index % 3 === 0 ? 'Group' : 'group'} ${index % 40}`,
        groupType,
        privacySettings: { visibility },
      },
    })
    t.equal(response.statusCode, 201)
    created.push(response.json().data)
  }
  const visibilities = ['private', 'tenant', 'public']
  // One at a time, so that creation seconds follow the order of the calls.
  for (let i = 0; i < 130; i++)
    await create(alice, i, i % 2 === 0 ? 'team' : 'club', visibilities[i % 3] as string)
  for (let i = 0; i < 30; i++) await create(bob, i, 'team', visibilities[i % 3] as string)

  const byName = (a: GroupBody, b: GroupBody) =>
    compare(`${a.name.toLowerCase()}#${a.id.toLowerCase()}`, `${b.name.toLowerCase()}#${b.id.toLowerCase()}`)
  const byCreatedDesc = (a: GroupBody, b: GroupBody) => compare(b.createdUtc, a.createdUtc)
  const readableByAlice = (g: GroupBody) => g.userId === 'alice' || g.privacySettings.visibility !== 'private'

  async function walk(t: Test, caller: typeof alice, query: string, limit = 25) {
    const items: GroupBody[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const url: string = `/v2/groups?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
      const response = await caller({ method: 'GET', url })
      t.equal(response.statusCode, 200, url)
      const body = response.json()
      t.ok(body.data.length <= limit, 'a page never exceeds the limit')
      t.equal(body.page.limit, limit)
      items.push(...body.data)
      cursor = body.page.nextCursor
      pages++
    } while (cursor && pages < 100)
    return items
  }

  function assertSameList(t: Test, actual: GroupBody[], expected: GroupBody[], label: string) {
    const ids = actual.map((g) => g.id)
    t.equal(new Set(ids).size, ids.length, `${label}: no duplicates`)
    t.equal(ids.length, expected.length, `${label}: none missing`)
    t.same(
      ids,
      expected.map((g) => g.id),
      `${label}: in order`,
    )
  }

  await t.test('scope=mine&groupType: the caller’s groups of that type, by name (gsi1)', async (t) => {
    const expected = created.filter((g) => g.userId === 'alice' && g.groupType === 'team').sort(byName)
    assertSameList(t, await walk(t, alice, 'scope=mine&groupType=team', 7), expected, 'mine/team')
  })

  await t.test('groupType: the tenant’s readable groups of that type, by name (gsi2)', async (t) => {
    const expected = created.filter((g) => g.groupType === 'team' && readableByAlice(g)).sort(byName)
    const listed = await walk(t, alice, 'groupType=team', 10)
    assertSameList(t, listed, expected, 'tenant/team for a member')
    t.notOk(listed.some((g) => g.userId === 'bob' && g.privacySettings.visibility === 'private'))

    const all = created.filter((g) => g.groupType === 'team').sort(byName)
    assertSameList(t, await walk(t, admin, 'groupType=team', 10), all, 'tenant/team for an admin')
  })

  await t.test('default: the tenant’s readable groups by creation time, newest first (gsi3)', async (t) => {
    const expected = created.filter(readableByAlice).sort(byCreatedDesc)
    t.ok(expected.length >= 120, 'pages through at least 120 groups')
    const first = await walk(t, alice, 'order=desc', 25)
    assertSameList(t, first, expected, 'by creation, desc')
    assertSameList(t, await walk(t, alice, 'order=desc', 25), first, 'the same walk again')
    assertSameList(
      t,
      await walk(t, admin, 'order=asc', 100),
      [...created].reverse().sort((a, b) => byCreatedDesc(b, a)),
      'admin asc',
    )
  })

  await t.test('createdFrom / createdTo bound the creation-time list, in ISO or unix seconds', async (t) => {
    const from = new Date(START + 10_000)
    const to = new Date(START + 49_000)
    const expected = created
      .filter((g) => Date.parse(g.createdUtc) >= from.getTime() && Date.parse(g.createdUtc) <= to.getTime())
      .sort((a, b) => byCreatedDesc(b, a))
    t.equal(expected.length, 40)
    const iso = await walk(
      t,
      admin,
      `order=asc&createdFrom=${from.toISOString()}&createdTo=${to.toISOString()}`,
      15,
    )
    assertSameList(t, iso, expected, 'ISO range')
    const unix = await walk(
      t,
      admin,
      `order=asc&createdFrom=${from.getTime() / 1000}&createdTo=${to.getTime() / 1000}`,
      15,
    )
    assertSameList(t, unix, expected, 'unix range')

    const reversed = await admin({
      method: 'GET',
      url: `/v2/groups?createdFrom=${to.getTime() / 1000}&createdTo=${from.getTime() / 1000}`,
    })
    t.equal(reversed.statusCode, 400)
    t.equal(reversed.json().error.code, 'VALIDATION_ERROR')
  })

  await t.test('fields= projects each listed group to the named fields', async (t) => {
    const response = await alice({ method: 'GET', url: '/v2/groups?groupType=club&fields=id,name&limit=5' })
    t.equal(response.statusCode, 200)
    const items = response.json().data as Record<string, unknown>[]
    t.equal(items.length, 5)
    for (const item of items) t.same(Object.keys(item).sort(), ['id', 'name'])
  })

  await t.test('a cursor only continues the query it came from', async (t) => {
    const first = await alice({ method: 'GET', url: '/v2/groups?groupType=team&limit=5' })
    const cursor = first.json().page.nextCursor as string
    t.ok(cursor)
    const same = await alice({
      method: 'GET',
      url: `/v2/groups?groupType=team&limit=5&cursor=${encodeURIComponent(cursor)}`,
    })
    t.equal(same.statusCode, 200)
    for (const url of [
      `/v2/groups?groupType=club&limit=5&cursor=${encodeURIComponent(cursor)}`,
      `/v2/groups?limit=5&cursor=${encodeURIComponent(cursor)}`,
      `/v2/groups?scope=mine&groupType=team&limit=5&cursor=${encodeURIComponent(cursor)}`,
    ]) {
      const other = await alice({ method: 'GET', url })
      t.equal(other.statusCode, 400, url)
      t.equal(other.json().error.code, 'VALIDATION_ERROR')
    }
    // Same tenant, another user: the member filter differs, so it is another query.
    const bobTries = await bob({
      method: 'GET',
      url: `/v2/groups?groupType=team&limit=5&cursor=${encodeURIComponent(cursor)}`,
    })
    t.equal(bobTries.statusCode, 400)
  })

  await t.test('a deleted group leaves every list at once', async (t) => {
    const victim = created.find((g) => g.userId === 'alice' && g.groupType === 'team') as GroupBody
    t.equal((await alice({ method: 'DELETE', url: `/v2/groups/${victim.id}` })).statusCode, 204)
    for (const query of ['scope=mine&groupType=team', 'groupType=team', 'order=desc']) {
      const listed = await walk(t, alice, query, 100)
      t.notOk(
        listed.some((g) => g.id === victim.id),
        query,
      )
    }
  })
})

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
