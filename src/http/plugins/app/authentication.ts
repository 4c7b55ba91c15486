// Every route needs a verified bearer token unless its config says `public: true`. The request
// context (tenant, user, roles) is built from the token's claims and nothing else.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { unauthorized } from '../../../errors/app-error.js'
import { isSubject, ROLES, type Role, TENANT_ID_PATTERN, userIdOf } from '../../../models/index.js'
import type { TokenIdentity } from '../../../security/token-identity.js'
import { type VerifiedToken, VerifiedTokens } from '../../../security/verified-tokens.js'
import type { RequestContext } from '../../../services/request-context.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every authenticated route; read it only there. */
    auth: RequestContext
  }
  interface FastifyContextConfig {
    public?: boolean
  }
}

export interface TokenClaims {
  sub?: unknown
  tenant_id?: unknown
  'custom:tenant_id'?: unknown
  roles?: unknown
  'cognito:groups'?: unknown
}

/**
 * Who a verified token stands for; UNAUTHORIZED when a claim is missing or bad. The user id is the
 * sub in the form keys hold (userIdOf), so every comparison with stored ids is a comparison of keys.
 */
export function identityFromClaims(claims: TokenClaims): TokenIdentity {
  const subject = claims.sub
  const tenantId = claims.tenant_id ?? claims['custom:tenant_id']
  if (!isSubject(subject)) throw unauthorized('token has no valid sub claim')
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
    throw unauthorized('token has no valid tenant_id claim')
  }
  const claimedRoles = claims.roles ?? claims['cognito:groups'] ?? []
  if (!Array.isArray(claimedRoles)) throw unauthorized('token roles must be an array')
  const roles = claimedRoles.filter((role): role is Role => ROLES.includes(role as Role))
  return { tenantId, userId: userIdOf(subject), roles }
}

const verifiedTokenLimits = { maxEntries: 10_000, maxAgeMs: 60_000, maxTokenLength: 4_096 }

// A keep-alive client sends the same Authorization header on each request of a connection. The
// connection keeps the verdict on the last one: comparing the text costs less than hashing a few
// hundred characters into the cache again. The verdict ends when the cache's entry would.
const kLastToken = Symbol('last verified token')
type Connection = object & { [kLastToken]?: VerifiedToken }

async function authentication(app: FastifyInstance) {
  app.decorateRequest('auth', null as unknown as RequestContext)
  const verified = new VerifiedTokens(verifiedTokenLimits)
  const recall = (connection: Connection, authorization: string) => {
    const last = connection[kLastToken]
    if (last?.authorization === authorization && verified.stands(last)) return last.identity
    const token = verified.entry(authorization)
    if (token) connection[kLastToken] = token
    return token?.identity
  }

  // Callback-style: a token verified a moment ago is let through at once, without a promise.
  app.addHook('onRequest', (request: FastifyRequest, _reply, done) => {
    const { url, config } = request.routeOptions
    // No route matched: let the not-found handler answer 404.
    if (url === undefined || config.public) return done()
    const authorization = request.headers.authorization
    const connection: Connection = request.raw.socket
    const known = authorization === undefined ? undefined : recall(connection, authorization)
    if (known) {
      request.auth = contextOf(request, known)
      return done()
    }
    request.jwtVerify<TokenClaims & { exp?: unknown }>().then(
      (claims) => {
        let identity: TokenIdentity
        try {
          identity = identityFromClaims(claims)
        } catch (error) {
          return done(error as Error)
        }
        // jwt.ts requires exp, so a verified token always has one.
        if (authorization && typeof claims.exp === 'number') {
          const token = verified.remember(authorization, identity, claims.exp)
          if (token) connection[kLastToken] = token
        }
        request.auth = contextOf(request, identity)
        done()
      },
      () => done(unauthorized()),
    )
  })
}

function contextOf(request: FastifyRequest, identity: TokenIdentity): RequestContext {
  return {
    tenantId: identity.tenantId,
    userId: identity.userId,
    roles: identity.roles,
    correlationId: request.id,
    ipAddress: request.ip,
    userAgent: request.headers['user-agent'],
  }
}

export default fp(authentication, { name: 'authentication', dependencies: ['jwt'] })
