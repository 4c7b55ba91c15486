// Ids in paths are opaque: an item imported with its own id (not a ULID) is reached by it, and ids
// are case-insensitive, as keys are lower-cased: `ABC-def` and `abc-def` name the same item.
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'
import { expectError } from '../../../helpers/expect.js'
import { storedGroups } from '../../../helpers/table.js'

const IMPORTED = '1705312200-123456-72B32A80-b38b-11ee-8000-000000000000'

t.test('an imported id reaches its item in any case, in every version', async (t) => {
  const testApp = await buildTestApp(t)
  const alice = testApp.as('acme', 'alice', ['tenant_admin'])
  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'Old', groupType: 'team' },
  })
  const ulid: string = created.json().data.id
  // The item as a Python service that kept its own id would have written it: keys lower-cased.
  const [stored] = await storedGroups(testApp, 'acme')
  const item = JSON.parse(JSON.stringify(stored).replaceAll(ulid.toLowerCase(), IMPORTED.toLowerCase()))
  await testApp.document.send(
    new PutCommand({ TableName: testApp.tableName, Item: { ...item, id: IMPORTED } }),
  )

  for (const id of [IMPORTED, IMPORTED.toLowerCase(), IMPORTED.toUpperCase()]) {
    for (const version of ['v1', 'v2']) {
      const read = await alice({ method: 'GET', url: `/${version}/groups/${id}` })
      t.equal(read.statusCode, 200, `GET /${version}/groups/${id}`, { body: read.body.slice(0, 300) })
      t.equal(read.json().data?.id, IMPORTED, 'the item keeps the id it was imported with')
    }
  }
  const renamed = await alice({
    method: 'PATCH',
    url: `/v2/groups/${IMPORTED.toLowerCase()}`,
    payload: { name: 'Renamed' },
  })
  t.equal(renamed.statusCode, 200, 'PATCH by the lower-case id', { body: renamed.body.slice(0, 300) })
  t.equal(renamed.json().data?.name, 'Renamed')

  // The ULID the API made answers in upper case as in lower case.
  for (const id of [ulid.toUpperCase(), ulid.toLowerCase()]) {
    const read = await alice({ method: 'GET', url: `/v2/groups/${id}` })
    t.equal(read.statusCode, 200, `GET /v2/groups/${id}`)
    t.equal(read.json().data?.id, ulid)
  }

  const removed = await alice({ method: 'DELETE', url: `/v2/groups/${IMPORTED.toUpperCase()}` })
  t.equal(removed.statusCode, 204, 'DELETE by the upper-case id')
  expectError(t, await alice({ method: 'GET', url: `/v2/groups/${IMPORTED}` }), 404, 'NOT_FOUND', 'gone')
})
