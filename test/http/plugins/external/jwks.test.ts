import { randomUUID } from 'node:crypto'
import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'
import { movableClocks } from '../../../helpers/clocks.js'
import { signingKey, startJwksServer } from '../../../helpers/jwks-server.js'

const REFRESH_INTERVAL_MS = 30_000

t.test('JWKS: forged kids cannot make the server fetch the key set again and again', async (t) => {
  const rsa = signingKey('RS256', 'rsa-1')
  const ec = signingKey('ES256', 'ec-1')
  const rotated = signingKey('RS256', 'rsa-2')
  const stranger = signingKey('ES256', 'stranger')
  const jwks = await startJwksServer(t, [rsa, ec])
  const clocks = movableClocks(t)
  const { app } = await buildTestApp(t, {
    env: {
      JWT_SECRET: '',
      JWT_JWKS_URL: jwks.url,
      JWT_JWKS_REFRESH_INTERVAL_MS: String(REFRESH_INTERVAL_MS),
    },
  })
  const get = (token: string) =>
    app.inject({ method: 'GET', url: '/v2/users/me', headers: { authorization: `Bearer ${token}` } })
  const claims = (sub: string) => ({ sub, tenant_id: 'acme', roles: ['member'] })
  const forgedTokens = () =>
    Array.from({ length: 200 }, (_, i) => stranger.sign(claims(`mallory-${i}`), randomUUID()))
  const assertAllRefused = (responses: { statusCode: number }[], what: string) => {
    t.same(
      responses.filter((response) => response.statusCode !== 401),
      [],
      `${what}: every forged token is refused`,
    )
  }

  // Before any key set is held: the 200 wait for one fetch, or are refused after it.
  assertAllRefused(await Promise.all(forgedTokens().map(get)), 'the first storm')
  t.equal(jwks.requests, 1, '200 random kids in parallel: one fetch')

  // Distinct tokens, so that none is answered from the verified-token memory.
  for (let i = 0; i < 10; i++) {
    t.equal((await get(rsa.sign(claims(`alice-${i}`)))).statusCode, 404, 'RS256 verifies (no profile: 404)')
    t.equal((await get(ec.sign(claims(`bob-${i}`)))).statusCode, 404, 'ES256 verifies')
  }
  t.equal(jwks.requests, 1, 'known kids never refetch')

  // A key rotated in: its kid is refused like any unknown one until the interval has passed
  // since the last fetch, then one fetch finds it.
  jwks.publish([rsa, ec, rotated])
  t.equal((await get(rotated.sign(claims('carol-1')))).statusCode, 401, 'it is refused at first')
  await clocks.advance(REFRESH_INTERVAL_MS / 2)
  t.equal((await get(rotated.sign(claims('carol-2')))).statusCode, 401, 'and while the interval lasts')
  t.equal(jwks.requests, 1, 'with no fetch')
  await clocks.advance(REFRESH_INTERVAL_MS / 2)
  t.equal(
    (await get(rotated.sign(claims('carol-3')))).statusCode,
    404,
    'the rotated key verifies once it has passed',
  )
  t.equal(jwks.requests, 2, 'one fetch')

  assertAllRefused(await Promise.all(forgedTokens().map(get)), 'a storm right after a fetch')
  t.equal(jwks.requests, 2, 'no fetch for it')
  t.equal((await get(rsa.sign(claims('dave')))).statusCode, 404, 'the old key still verifies')
  t.equal((await get(rotated.sign(claims('erin')))).statusCode, 404)
  t.equal(jwks.requests, 2)

  await clocks.advance(REFRESH_INTERVAL_MS)
  assertAllRefused(await Promise.all(forgedTokens().map(get)), 'a storm after the interval')
  t.equal(jwks.requests, 3, 'one fetch for the whole storm')
})
