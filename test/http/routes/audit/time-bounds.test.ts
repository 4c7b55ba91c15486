import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'

// Valid ISO-8601 instants whose UTC time falls outside years 0000–9999.
const PAST_YEAR_9999 = '9999-12-31T23:59:59-23:59'
const BEFORE_YEAR_0 = '0000-01-01T00:00:00+23:59'

t.test('audit time bounds beyond the four-digit years are clamped, not misread', async (t) => {
  const app = await buildTestApp(t)
  const admin = app.as('acme', 'root', ['tenant_admin'])
  await admin({ method: 'POST', url: '/v2/groups', payload: { name: 'Ops', groupType: 'team' } })
  const read = (query: Record<string, string>) =>
    admin({ method: 'GET', url: `/v2/audit?${new URLSearchParams(query)}` })
  const count = async (query: Record<string, string>) => {
    const response = await read(query)
    t.equal(response.statusCode, 200, JSON.stringify(query))
    return response.json().data.length
  }

  t.equal(await count({ to: PAST_YEAR_9999 }), 1, 'a `to` past year 9999: everything until now')
  t.equal(await count({ from: BEFORE_YEAR_0 }), 1, 'a `from` before year 0: everything')
  t.equal(await count({ from: BEFORE_YEAR_0, to: PAST_YEAR_9999 }), 1, 'both')
  t.equal(await count({ from: PAST_YEAR_9999 }), 0, 'a `from` past year 9999: nothing yet')
  t.equal(await count({ to: BEFORE_YEAR_0 }), 0, 'a `to` before year 0: nothing')

  const reversed = await read({ from: PAST_YEAR_9999, to: '9999-12-31T23:59:59Z' })
  t.equal(reversed.statusCode, 400, 'a `from` that really is after `to`')
  t.same(reversed.json().error.details, [{ field: 'from', message: 'from is after to' }])
})
