import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'

t.test('If-Match guards updates and deletes with the version the caller saw', async (t) => {
  const { as } = await buildTestApp(t)
  const alice = as('acme', 'alice', ['member'])
  const group = (
    await alice({ method: 'POST', url: '/v2/groups', payload: { name: 'Ops', groupType: 'team' } })
  ).json().data

  const stale = await alice({
    method: 'PATCH',
    url: `/v2/groups/${group.id}`,
    headers: { 'if-match': '"7"' },
    payload: { name: 'Ops 2' },
  })
  t.equal(stale.statusCode, 412)
  t.equal(stale.json().error.code, 'PRECONDITION_FAILED')

  const unparseable = await alice({
    method: 'PATCH',
    url: `/v2/groups/${group.id}`,
    headers: { 'if-match': 'not-a-version' },
    payload: { name: 'Ops 2' },
  })
  t.equal(unparseable.statusCode, 412, 'an If-Match that names no version of ours never matches')

  const weak = await alice({
    method: 'PATCH',
    url: `/v2/groups/${group.id}`,
    headers: { 'if-match': 'W/"1"' },
    payload: { name: 'Ops 2' },
  })
  t.equal(weak.statusCode, 412, 'If-Match compares strongly: a weak tag never matches')

  const current = await alice({
    method: 'PATCH',
    url: `/v2/groups/${group.id}`,
    headers: { 'if-match': '"1"' },
    payload: { name: 'Ops 2' },
  })
  t.equal(current.statusCode, 200)
  t.equal(current.headers.etag, '"2"')

  const any = await alice({
    method: 'PATCH',
    url: `/v2/groups/${group.id}`,
    headers: { 'if-match': '*' },
    payload: { icon: 'wrench' },
  })
  t.equal(any.statusCode, 200)
  t.equal(any.json().data.version, 3)

  const staleDelete = await alice({
    method: 'DELETE',
    url: `/v2/groups/${group.id}`,
    headers: { 'if-match': '"2"' },
  })
  t.equal(staleDelete.statusCode, 412)
  const stillThere = await alice({ method: 'GET', url: `/v2/groups/${group.id}` })
  t.equal(stillThere.statusCode, 200)
  t.match(stillThere.json().data, { name: 'Ops 2', icon: 'wrench', version: 3 })

  const del = await alice({ method: 'DELETE', url: `/v2/groups/${group.id}`, headers: { 'if-match': '"3"' } })
  t.equal(del.statusCode, 204)
})

t.test('concurrent writers never lose an update: losers get 409 CONFLICT', async (t) => {
  const { as } = await buildTestApp(t)
  const alice = as('acme', 'alice', ['tenant_admin'])
  const group = (
    await alice({ method: 'POST', url: '/v2/groups', payload: { name: 'Race', groupType: 'team' } })
  ).json().data

  const writers = 12
  const responses = await Promise.all(
    Array.from({ length: writers }, (_, i) =>
      alice({ method: 'PATCH', url: `/v2/groups/${group.id}`, payload: { description: `writer ${i}` } }),
    ),
  )
  const statuses = responses.map((response) => response.statusCode)
  const winners = responses.filter((response) => response.statusCode === 200)
  const losers = responses.filter((response) => response.statusCode === 409)
  t.equal(winners.length + losers.length, writers, `only 200 or 409: ${statuses.join(',')}`)
  t.ok(winners.length >= 1)
  for (const loser of losers) t.equal(loser.json().error.code, 'CONFLICT')

  // Every acknowledged write produced its own version; the last one is what is stored.
  const versions = winners.map((response) => response.json().data.version as number).sort((a, b) => a - b)
  t.same(
    versions,
    Array.from({ length: winners.length }, (_, i) => i + 2),
  )
  const latest = winners.find((response) => response.json().data.version === versions.at(-1))
  const stored = (await alice({ method: 'GET', url: `/v2/groups/${group.id}` })).json().data
  t.equal(stored.version, 1 + winners.length)
  t.equal(stored.description, latest?.json().data.description)
})

t.test('two writers with the same If-Match: exactly one wins', async (t) => {
  const { as } = await buildTestApp(t)
  const alice = as('acme', 'alice', ['member'])
  const group = (
    await alice({ method: 'POST', url: '/v2/groups', payload: { name: 'Pair', groupType: 'team' } })
  ).json().data
  const [a, b] = await Promise.all(
    ['A', 'B'].map((name) =>
      alice({
        method: 'PATCH',
        url: `/v2/groups/${group.id}`,
        headers: { 'if-match': '"1"' },
        payload: { name },
      }),
    ),
  )
  const statuses = [a?.statusCode, b?.statusCode].sort()
  t.equal(statuses[0], 200)
  t.ok(statuses[1] === 409 || statuses[1] === 412, `the other is refused: ${statuses[1]}`)
  const stored = (await alice({ method: 'GET', url: `/v2/groups/${group.id}` })).json().data
  t.equal(stored.version, 2)
  t.equal(stored.name, a?.statusCode === 200 ? 'A' : 'B')
})
