import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'

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

t.test('API-Version names the version that served the request, errors included', async (t) => {
  const { app, as } = await buildTestApp(t)
  const alice = as('acme', 'alice')
  const cases: [string, string | undefined, string, number][] = [
    ['/v1/groups', undefined, 'v1', 200],
    ['/v2/groups', undefined, 'v2', 200],
    ['/groups', 'v1', 'v1', 200],
    ['/groups', undefined, 'v2', 200],
    ['/v1/groups?groupType=x', undefined, 'v1', 400],
    ['/v1/groups/not-an-id', undefined, 'v1', 404],
    ['/v1/groups/a%23b', undefined, 'v1', 404],
  ]
  for (const [url, header, version, status] of cases) {
    const response = await alice({ method: 'GET', url, headers: header ? { 'api-version': header } : {} })
    t.equal(response.statusCode, status, `${url} ${header ?? ''}`)
    t.equal(response.headers['api-version'], version, `${url} ${header ?? ''}`)
  }
  const unauthorized = await app.inject({ method: 'GET', url: '/v1/groups' })
  t.equal(unauthorized.statusCode, 401)
  t.equal(unauthorized.headers['api-version'], 'v1', 'also when authentication refuses the request')
  const operations = await app.inject({ method: 'GET', url: '/health/live' })
  t.equal(operations.headers['api-version'], 'v2', 'unversioned operations answer as the default version')
})
