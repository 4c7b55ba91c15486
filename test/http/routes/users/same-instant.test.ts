// A create without an Idempotency-Key that finds an item with its id is a conflict, even one made by
// the same caller in the same millisecond: only an attempt of a keyed request (whose ids and times
// every attempt shares) may take an item it finds as its own earlier write.
import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'
import { expectError } from '../../../helpers/expect.js'
import { scanTable } from '../../../helpers/table.js'

t.test('two unkeyed creates of one chosen id in the same instant: the second is 409', async (t) => {
  const instant = new Date('2026-12-01T12:00:00.000Z')
  const app = await buildTestApp(t, { clock: () => new Date(instant) })
  const admin = app.as('acme', 'alice', ['tenant_admin'])
  const create = (email: string) =>
    admin({ method: 'POST', url: '/v2/users', payload: { id: 'dave', email, name: 'Dave' } })

  const first = await create('dave@acme.example')
  t.equal(first.statusCode, 201)
  expectError(t, await create('david@acme.example'), 409, 'CONFLICT', 'the second create')
  const users = (await scanTable(app)).filter((item) => item.model_name === 'user' && item.id === 'dave')
  t.equal(users.length, 1, 'one dave, the first')
  const read = await admin({ method: 'GET', url: '/v2/users/dave' })
  t.equal(read.json().data.email, 'dave@acme.example', 'as the first create wrote it')
})
