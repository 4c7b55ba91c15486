import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { JwksKeyError, JwksKeys, type JwksKeysOptions } from '../../src/security/jwks-keys.js'
import { signingKey, startJwksServer } from '../helpers/jwks-server.js'

const rsa = signingKey('RS256', 'rsa-1')
const ec = signingKey('ES256', 'ec-1')

function keysFor(url: string, clock: { now: number }, options: Partial<JwksKeysOptions> = {}) {
  return new JwksKeys({
    url,
    maxAgeMs: 600_000,
    refreshIntervalMs: 30_000,
    timeoutMs: 2_000,
    maxKeys: 100,
    now: () => clock.now,
    ...options,
  })
}

t.test('the whole set is fetched once; a known kid never refetches', async (t) => {
  const jwks = await startJwksServer(t, [rsa, ec])
  const keys = keysFor(jwks.url, { now: 0 })
  const pems = await Promise.all([
    keys.publicKey({ kid: 'rsa-1', alg: 'RS256' }),
    keys.publicKey({ kid: 'ec-1', alg: 'ES256' }),
  ])
  t.match(pems, [/BEGIN PUBLIC KEY/, /BEGIN PUBLIC KEY/])
  for (let i = 0; i < 20; i++) await keys.publicKey({ kid: 'rsa-1', alg: 'RS256' })
  t.equal(jwks.requests, 1)
  await t.rejects(keys.publicKey({ kid: 'rsa-1', alg: 'ES256' }), JwksKeyError, 'a key for another alg')
  await t.rejects(keys.publicKey({ alg: 'RS256' }), JwksKeyError, 'a token without kid')
  t.equal(jwks.requests, 1)
})

t.test('unknown kids: one fetch per refresh interval, one fetch in flight', async (t) => {
  const jwks = await startJwksServer(t, [rsa])
  const clock = { now: 0 }
  const keys = keysFor(jwks.url, clock)
  const unknown = (i: number) => keys.publicKey({ kid: `forged-${i}`, alg: 'RS256' })
  const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => unknown(i)))
  t.ok(results.every((result) => result.status === 'rejected'))
  t.equal(jwks.requests, 1, '100 kids at once share one fetch')

  clock.now += 29_999
  await t.rejects(unknown(100), JwksKeyError)
  t.equal(jwks.requests, 1, 'refused without a fetch inside the interval')

  jwks.publish([rsa, ec])
  clock.now += 1
  t.match(
    await keys.publicKey({ kid: 'ec-1', alg: 'ES256' }),
    /BEGIN PUBLIC KEY/,
    'a rotated-in key, after it',
  )
  t.equal(jwks.requests, 2)
})

t.test('after maxAgeMs the set is fetched again: a withdrawn key stops verifying', async (t) => {
  const jwks = await startJwksServer(t, [rsa, ec])
  const clock = { now: 0 }
  const keys = keysFor(jwks.url, clock, { maxAgeMs: 60_000, refreshIntervalMs: 1_000 })
  await keys.publicKey({ kid: 'rsa-1', alg: 'RS256' })
  jwks.publish([ec])
  clock.now += 59_000
  await keys.publicKey({ kid: 'rsa-1', alg: 'RS256' })
  t.equal(jwks.requests, 1, 'still fresh')
  clock.now += 1_000
  await t.rejects(keys.publicKey({ kid: 'rsa-1', alg: 'RS256' }), JwksKeyError, 'withdrawn')
  t.equal(jwks.requests, 2)
})

t.test('while the provider fails, the keys held stay in use and fetches stay bounded', async (t) => {
  const jwks = await startJwksServer(t, [rsa])
  const clock = { now: 0 }
  const errors: unknown[] = []
  const keys = keysFor(jwks.url, clock, {
    maxAgeMs: 1_000,
    refreshIntervalMs: 10_000,
    onFetchError: (error) => errors.push(error),
  })
  await keys.publicKey({ kid: 'rsa-1', alg: 'RS256' })
  jwks.answerWith(503)
  clock.now += 10_000
  for (let i = 0; i < 20; i++) await keys.publicKey({ kid: 'rsa-1', alg: 'RS256' })
  t.equal(jwks.requests, 2, 'one failed fetch, then none until the interval has passed')
  t.equal(errors.length, 1)
  clock.now += 10_000
  jwks.answerWith(200)
  await keys.publicKey({ kid: 'rsa-1', alg: 'RS256' })
  t.equal(jwks.requests, 3)
})

t.test('a provider that does not answer is given up on after the timeout', async (t) => {
  const server = createServer(() => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  const { port } = server.address() as AddressInfo
  const keys = keysFor(`http://127.0.0.1:${port}/jwks.json`, { now: 0 }, { timeoutMs: 200 })
  const started = Date.now()
  await t.rejects(keys.publicKey({ kid: 'rsa-1', alg: 'RS256' }), JwksKeyError)
  t.ok(Date.now() - started < 5_000, 'refused in bounded time')
})
