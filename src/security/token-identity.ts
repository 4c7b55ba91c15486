import type { Role } from '../models/index.js'

/** Who a verified token speaks for: its claims, checked, and nothing else. */
export interface TokenIdentity {
  tenantId: string
  /** The caller's sub in the form keys and stored items hold (userIdOf). */
  userId: string
  roles: readonly Role[]
}
