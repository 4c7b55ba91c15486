import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'

t.test('If-Match on groups and users: strong comparison, lists and `*`', async (t) => {
  const app = await buildTestApp(t)
  const alice = app.as('acme', 'alice', ['tenant_admin'])
  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'A', groupType: 'team' },
  })
  const url = `/v2/groups/${created.json().data.id}`
  const patch = (ifMatch: string, name: string) =>
    alice({ method: 'PATCH', url, headers: { 'if-match': ifMatch }, payload: { name } })

  for (const header of ['W/"1"', 'W/"1", W/"2"', '"01"', '1']) {
    const refused = await patch(header, 'weak')
    t.equal(refused.statusCode, 412, header)
    t.equal(refused.json().error.code, 'PRECONDITION_FAILED', header)
  }
  t.equal((await alice({ method: 'GET', url })).json().data.version, 1, 'nothing was written')

  t.equal((await patch('"7", "1"', 'B')).statusCode, 200, 'a list matches when one tag does')
  t.equal((await patch('W/"2", "9"', 'C')).statusCode, 412, 'the weak one does not count')
  t.equal((await patch('*', 'C')).statusCode, 200, '`*` matches the existing group')
  t.equal((await alice({ method: 'GET', url })).json().data.version, 3)
  const missing = await alice({
    method: 'PATCH',
    url: '/v2/groups/01ARZ3NDEKTSV4RRFFQ69G5FAV',
    headers: { 'if-match': '*' },
    payload: { name: 'X' },
  })
  t.equal(missing.statusCode, 404, '`*` on a missing group: it does not exist')

  const weakDelete = await alice({ method: 'DELETE', url, headers: { 'if-match': 'W/"3"' } })
  t.equal(weakDelete.statusCode, 412, 'DELETE compares strongly too')
  t.equal((await alice({ method: 'DELETE', url, headers: { 'if-match': '"3"' } })).statusCode, 204)

  await alice({
    method: 'POST',
    url: '/v2/users',
    payload: { id: 'bob', email: 'bob@x.example', name: 'Bob' },
  })
  const weakUser = await alice({
    method: 'PATCH',
    url: '/v2/users/bob',
    headers: { 'if-match': 'W/"1"' },
    payload: { name: 'Robert' },
  })
  t.equal(weakUser.statusCode, 412, 'users compare strongly too')
})
