// Token verification: HS256 with a shared secret, or RS256/ES256 with keys from a JWKS URL.
// Only these algorithms are accepted, so `alg: none` and algorithm-confusion tokens fail.
import fastifyJwt, { type FastifyJWTOptions } from '@fastify/jwt'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../../config/config.js'
import { JwksKeys } from '../../../security/jwks-keys.js'
import { hasPlausibleTimes } from '../../../security/token-times.js'

type Algorithm = 'HS256' | 'RS256' | 'ES256'
export const HMAC_ALGORITHMS: Algorithm[] = ['HS256']
export const JWKS_ALGORITHMS: Algorithm[] = ['RS256', 'ES256']

const JWKS_TIMEOUT_MS = 5_000
const JWKS_MAX_KEYS = 100

export interface JwtPluginOptions {
  jwt: Config['jwt']
}

async function jwt(app: FastifyInstance, { jwt: settings }: JwtPluginOptions) {
  // fast-jwt checks iss/aud only when present, so configured ones are also required; a token
  // without an expiry would be valid forever, so exp is always required.
  const verify = {
    ...(settings.issuer ? { allowedIss: settings.issuer } : {}),
    ...(settings.audience ? { allowedAud: settings.audience } : {}),
    requiredClaims: ['exp', ...(settings.issuer ? ['iss'] : []), ...(settings.audience ? ['aud'] : [])],
  }
  // Runs after the signature and fast-jwt's own claim checks.
  const trusted = (_request: unknown, claims: Record<string, unknown>) => hasPlausibleTimes(claims)
  if (settings.jwksUrl) {
    const keys = new JwksKeys({
      url: settings.jwksUrl,
      maxAgeMs: settings.jwksMaxAgeMs,
      refreshIntervalMs: settings.jwksRefreshIntervalMs,
      timeoutMs: JWKS_TIMEOUT_MS,
      maxKeys: JWKS_MAX_KEYS,
      onFetchError: (err) => app.log.warn({ err }, 'JWKS fetch failed; the keys held stay in use'),
    })
    const options: FastifyJWTOptions = {
      decode: { complete: true },
      secret: (_request: unknown, token: unknown) => keys.publicKey((token as { header: object }).header),
      verify: { ...verify, algorithms: JWKS_ALGORITHMS },
      trusted,
    }
    await app.register(fastifyJwt, options)
    return
  }
  if (!settings.secret) throw new Error('JWT verification needs JWT_SECRET or JWT_JWKS_URL')
  await app.register(fastifyJwt, {
    secret: settings.secret,
    sign: { algorithm: 'HS256' },
    // Recently verified tokens are remembered by the authentication plugin (verified-tokens.ts).
    verify: { ...verify, algorithms: HMAC_ALGORITHMS },
    trusted,
  })
}

export default fp(jwt, { name: 'jwt' })
