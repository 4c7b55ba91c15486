import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'

t.test(
  'createdFrom/createdTo outside the seconds the index holds: an empty page, not an error',
  async (t) => {
    const app = await buildTestApp(t)
    const alice = app.as('acme', 'alice', ['member'])
    await alice({ method: 'POST', url: '/v2/groups', payload: { name: 'Ops', groupType: 'team' } })
    const list = (query: Record<string, string>) =>
      alice({ method: 'GET', url: `/v2/groups?${new URLSearchParams(query)}` })
    const count = async (query: Record<string, string>) => {
      const response = await list(query)
      t.equal(response.statusCode, 200, JSON.stringify(query))
      return response.json().data.length
    }

    t.equal(await count({ createdTo: '9999-12-31T23:59:59-23:59' }), 1, 'createdTo past year 9999')
    t.equal(await count({ createdFrom: '1960-01-01' }), 1, 'createdFrom before 1970')
    t.equal(await count({ createdFrom: '9999-12-31T23:59:59-23:59' }), 0, 'createdFrom past what keys hold')
    t.equal(await count({ createdFrom: '9999999999' }), 0, 'createdFrom at the last second keys hold')
    t.equal(await count({ createdTo: '1990-01-01' }), 0, 'createdTo before any key')
    t.equal(await count({ createdTo: '0' }), 0, 'createdTo of unix second 0')

    const cursor = await list({ createdFrom: '9999-12-31T23:59:59-23:59', cursor: 'abc.def' })
    t.equal(cursor.statusCode, 400, 'no cursor belongs to an empty range')
    t.equal(cursor.json().error.details[0].field, 'cursor')

    const reversed = await list({ createdFrom: '2030-01-01', createdTo: '2020-01-01' })
    t.equal(reversed.statusCode, 400, 'a createdFrom that really is after createdTo')
    t.same(reversed.json().error.details, [
      { field: 'createdFrom', message: 'createdFrom is after createdTo' },
    ])
  },
)
