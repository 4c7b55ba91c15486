import { generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createSigner } from 'fast-jwt'
import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'
import { movableClocks } from '../../../helpers/clocks.js'
import { TEST_JWT_SECRET } from '../../../helpers/tokens.js'

const claims = { sub: 'alice', tenant_id: 'acme', roles: ['member'] }

t.test('HS256: issuer and audience are enforced when configured', async (t) => {
  const { app } = await buildTestApp(t, {
    env: { JWT_ISSUER: 'https://issuer.test', JWT_AUDIENCE: 'tessera' },
  })
  const get = (token: string) =>
    app.inject({ method: 'GET', url: '/v2/groups', headers: { authorization: `Bearer ${token}` } })
  const sign = (extra: Record<string, unknown>) =>
    createSigner({ key: TEST_JWT_SECRET, expiresIn: 60_000 })({ ...claims, ...extra })

  t.equal((await get(sign({ iss: 'https://issuer.test', aud: 'tessera' }))).statusCode, 200)
  for (const [label, extra] of [
    ['wrong issuer', { iss: 'https://evil.test', aud: 'tessera' }],
    ['wrong audience', { iss: 'https://issuer.test', aud: 'other' }],
    ['no issuer', { aud: 'tessera' }],
    ['no audience', { iss: 'https://issuer.test' }],
    [
      'not yet valid',
      { iss: 'https://issuer.test', aud: 'tessera', nbf: Math.floor(Date.now() / 1000) + 3600 },
    ],
  ] as const) {
    const response = await get(sign(extra))
    t.equal(response.statusCode, 401, label)
    t.equal(response.json().error.code, 'UNAUTHORIZED', label)
  }
})

t.test('Cognito-style claims: custom:tenant_id and cognito:groups', async (t) => {
  const { app } = await buildTestApp(t)
  const token = createSigner({ key: TEST_JWT_SECRET, expiresIn: 60_000 })({
    sub: 'carol',
    'custom:tenant_id': 'acme',
    'cognito:groups': ['tenant_admin'],
  })
  const created = await app.inject({
    method: 'POST',
    url: '/v2/groups',
    headers: { authorization: `Bearer ${token}` },
    payload: { name: 'Cognito', groupType: 'team' },
  })
  t.equal(created.statusCode, 201)
  t.match(created.json().data, { tenantId: 'acme', userId: 'carol' })
})

t.test('JWKS: RS256 and ES256 keys from a JWKS URL; other algorithms and keys are refused', async (t) => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwks = {
    keys: [
      { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ],
  }
  const server = createServer((request, response) => {
    if (request.url !== '/pool/.well-known/jwks.json') return response.writeHead(404).end()
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as AddressInfo

  const { app } = await buildTestApp(t, {
    env: { JWT_SECRET: '', JWT_JWKS_URL: `http://127.0.0.1:${port}/pool/.well-known/jwks.json` },
  })
  const get = (token: string) =>
    app.inject({ method: 'GET', url: '/v2/groups', headers: { authorization: `Bearer ${token}` } })

  const rs256 = createSigner({
    key: rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }),
    algorithm: 'RS256',
    kid: 'rsa-1',
    expiresIn: 60_000,
  })
  const es256 = createSigner({
    key: ec.privateKey.export({ format: 'pem', type: 'pkcs8' }),
    algorithm: 'ES256',
    kid: 'ec-1',
    expiresIn: 60_000,
  })
  t.equal((await get(rs256(claims))).statusCode, 200, 'RS256 from the JWKS')
  const noExpiry = createSigner({
    key: rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }),
    algorithm: 'RS256',
    kid: 'rsa-1',
  })
  t.equal((await get(noExpiry(claims))).statusCode, 401, 'a token without exp')
  t.equal((await get(es256(claims))).statusCode, 200, 'ES256 from the JWKS')

  const forged = createSigner({
    key: stranger.privateKey.export({ format: 'pem', type: 'pkcs8' }),
    algorithm: 'RS256',
    kid: 'rsa-1',
    expiresIn: 60_000,
  })
  t.equal((await get(forged(claims))).statusCode, 401, 'a key not in the JWKS')
  const unknownKid = createSigner({
    key: rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }),
    algorithm: 'RS256',
    kid: 'nope',
    expiresIn: 60_000,
  })
  t.equal((await get(unknownKid(claims))).statusCode, 401, 'an unknown kid')
  // Algorithm confusion: an HMAC token keyed with the public key's text.
  const confused = createSigner({
    key: rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string,
    algorithm: 'HS256',
    kid: 'rsa-1',
    expiresIn: 60_000,
  })
  t.equal((await get(confused(claims))).statusCode, 401, 'HS256 signed with the public key')
  t.equal(
    (await get(createSigner({ key: TEST_JWT_SECRET, expiresIn: 60_000 })(claims))).statusCode,
    401,
    'HS256 with a shared secret',
  )
})

t.test(
  'a recently verified token is remembered, but only that exact token and only until its exp',
  async (t) => {
    const clocks = movableClocks(t)
    const { app } = await buildTestApp(t)
    const get = (token: string) =>
      app.inject({ method: 'GET', url: '/v2/groups', headers: { authorization: `Bearer ${token}` } })
    // exp is in whole seconds: the token lives 29 to 30 s from now, less than the memory's longest.
    const exp = Math.floor(Date.now() / 1000) + 30
    const token = createSigner({ key: TEST_JWT_SECRET })({ ...claims, exp })
    t.equal((await get(token)).statusCode, 200, 'verified')
    t.equal((await get(token)).statusCode, 200, 'remembered')

    const [header, payload, signature = ''] = token.split('.')
    const forged = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`
    t.equal((await get(forged)).statusCode, 401, 'another signature on the same claims is checked again')
    const otherTenant = Buffer.from(JSON.stringify({ ...claims, tenant_id: 'globex' })).toString('base64url')
    t.equal(
      (await get(`${header}.${otherTenant}.${signature}`)).statusCode,
      401,
      'changed claims are refused',
    )

    await clocks.advance(28_000)
    t.equal((await get(token)).statusCode, 200, 'still valid shortly before its exp')
    await clocks.advance(3_000)
    const expired = await get(token)
    t.equal(expired.statusCode, 401, 'refused once expired, though it was remembered')
    t.equal(expired.json().error.code, 'UNAUTHORIZED')
  },
)
