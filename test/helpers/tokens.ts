// Bearer tokens that the test apps and server processes accept: HS256 with TEST_JWT_SECRET.
import { createSigner } from 'fast-jwt'
import type { Role } from '../../src/models/index.js'

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough'

const sign = createSigner({ key: TEST_JWT_SECRET, algorithm: 'HS256', expiresIn: '1h' })

/** A token valid for an hour; claims can be overridden or removed (set to undefined). */
export function testToken(
  tenantId: string,
  userId: string,
  roles: Role[] = ['member'],
  claims: Record<string, unknown> = {},
): string {
  const payload: Record<string, unknown> = { sub: userId, tenant_id: tenantId, roles, ...claims }
  for (const [key, value] of Object.entries(payload)) if (value === undefined) delete payload[key]
  return sign(payload)
}

/** An Authorization header value: alice, a member of acme, unless others are named. */
export const bearer = (tenantId = 'acme', userId = 'alice', roles: Role[] = ['member']): string =>
  `Bearer ${testToken(tenantId, userId, roles)}`
