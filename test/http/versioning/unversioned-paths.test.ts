import t from 'tap'
import { UnversionedPaths } from '../../../src/http/versioning/unversioned-paths.js'

t.test('unversioned resource paths are rewritten to the version the header asks for', async (t) => {
  const paths = new UnversionedPaths()
  paths.addVersionedRoute('/v1/groups/:id')
  paths.addVersionedRoute('/v2/groups')
  const cases: [string, Record<string, string>, string][] = [
    ['/groups', {}, '/v2/groups'],
    ['/groups/01ABC?fields=id', {}, '/v2/groups/01ABC?fields=id'],
    ['/groups?type=x', { 'api-version': 'v1' }, '/v1/groups?type=x'],
    ['/groups', { 'api-version': ' v1 ' }, '/v1/groups'],
    ['/groups', { 'api-version': 'v2' }, '/v2/groups'],
    ['/groups', { 'api-version': 'v9' }, '/groups'],
    ['/groups', { 'api-version': '' }, '/groups'],
    ['/v1/groups', { 'api-version': 'v2' }, '/v1/groups'],
    ['/v3/groups', {}, '/v3/groups'],
    ['/health/live', { 'api-version': 'v1' }, '/health/live'],
    ['/groupsx', {}, '/groupsx'],
    ['/', {}, '/'],
  ]
  for (const [url, headers, expected] of cases) {
    t.equal(paths.rewrite(url, headers), expected, `${url} ${JSON.stringify(headers)}`)
  }
  t.ok(paths.isUnversioned('/groups/x'))
  t.notOk(paths.isUnversioned('/v2/groups'))
  t.notOk(paths.isUnversioned('/metrics'))
})

t.test('nothing is rewritten before a versioned route is known', async (t) => {
  t.equal(new UnversionedPaths().rewrite('/groups', { 'api-version': 'v1' }), '/groups')
})
