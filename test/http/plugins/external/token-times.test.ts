import { createHmac } from 'node:crypto'
import t from 'tap'
import { CLOCK_SKEW_SECONDS, MAX_TOKEN_LIFETIME_SECONDS } from '../../../../src/security/token-times.js'
import { buildTestApp } from '../../../helpers/app.js'
import { signingKey, startJwksServer } from '../../../helpers/jwks-server.js'
import { TEST_JWT_SECRET } from '../../../helpers/tokens.js'

const claims = { sub: 'alice', tenant_id: 'acme', roles: ['member'] }
const nowSeconds = () => Math.floor(Date.now() / 1000)

/** An HS256 token with exactly these claims (fast-jwt's signer would fix up iat and exp). */
function signHs256(payload: Record<string, unknown>): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url')
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`
  return `${input}.${createHmac('sha256', TEST_JWT_SECRET).update(input).digest('base64url')}`
}

/** fast-jwt's signer keeps these times as they are. */
const signable = ([, times]: readonly [string, { iat?: unknown; exp: unknown }]) =>
  Number.isSafeInteger(times.iat ?? 0) && Number.isInteger(times.exp)

/** The iat/exp pairs to try: each refused one is a token that verified before. */
function timeCases() {
  const now = nowSeconds()
  const hour = 3600
  return {
    accepted: [
      ['iat now, exp in an hour', { iat: now, exp: now + hour }],
      ['no iat', { exp: now + hour }],
      ['iat a little ahead (clock skew)', { iat: now + CLOCK_SKEW_SECONDS - 5, exp: now + hour }],
      ['exp at the longest lifetime', { iat: now, exp: now + MAX_TOKEN_LIFETIME_SECONDS }],
      ['fractional NumericDates', { iat: now - 0.5, exp: now + hour + 0.25 }],
    ],
    refused: [
      ['iat in the future', { iat: now + hour, exp: now + 2 * hour }],
      ['iat just past the skew', { iat: now + CLOCK_SKEW_SECONDS + 30, exp: now + hour }],
      ['exp of 1e308', { iat: now, exp: 1e308 }],
      ['exp past the longest lifetime', { iat: now, exp: now + MAX_TOKEN_LIFETIME_SECONDS + hour }],
      ['exp a century away', { iat: now, exp: now + 100 * 365 * 24 * hour }],
      ['iat that is no number', { iat: 'yesterday', exp: now + hour }],
      ['iat of 1e308', { iat: 1e308, exp: now + hour }],
    ],
  } as const
}

t.test('HS256: an iat in the future and an exp absurdly far away are refused', async (t) => {
  const { app } = await buildTestApp(t)
  const get = (token: string) =>
    app.inject({ method: 'GET', url: '/v2/groups', headers: { authorization: `Bearer ${token}` } })
  const { accepted, refused } = timeCases()
  for (const [label, times] of accepted)
    t.equal((await get(signHs256({ ...claims, ...times }))).statusCode, 200, label)
  for (const [label, times] of refused) {
    const token = signHs256({ ...claims, ...times })
    for (const attempt of ['first', 'again']) {
      const response = await get(token)
      t.equal(response.statusCode, 401, `${label} (${attempt})`)
      t.equal(response.json().error.code, 'UNAUTHORIZED', label)
    }
  }
})

t.test('JWKS: the same bounds for RS256 and ES256 tokens', async (t) => {
  const keys = [signingKey('RS256', 'rsa-1'), signingKey('ES256', 'ec-1')]
  const jwks = await startJwksServer(t, keys)
  const { app } = await buildTestApp(t, { env: { JWT_SECRET: '', JWT_JWKS_URL: jwks.url } })
  const get = (token: string) =>
    app.inject({ method: 'GET', url: '/v2/groups', headers: { authorization: `Bearer ${token}` } })
  const { accepted, refused } = timeCases()
  for (const key of keys) {
    for (const [label, times] of accepted.filter(signable)) {
      t.equal((await get(key.sign({ ...claims, ...times }))).statusCode, 200, `${key.kid}: ${label}`)
    }
    for (const [label, times] of refused.filter(signable)) {
      const response = await get(key.sign({ ...claims, ...times }))
      t.equal(response.statusCode, 401, `${key.kid}: ${label}`)
      t.equal(response.json().error.code, 'UNAUTHORIZED')
    }
  }
})
