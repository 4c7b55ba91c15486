// What each role may do, in one table. Every access rule asks `can(context, permission)`; no other
// code names a role a caller needs.
import type { Role } from '../models/index.js'

export type Permission =
  /** Onboard, list and change tenants; read any tenant. */
  | 'manage_tenants'
  /** Everything inside the caller's own tenant: users and their roles, every item, the audit log. */
  | 'administer_tenant'
  /** Give the platform_admin role to a profile, or take it away. */
  | 'grant_platform_admin'
  /** Act for the platform: changes are recorded as the platform's, without naming the operator. */
  | 'act_for_platform'
  /** Keep working in a suspended tenant. */
  | 'bypass_suspension'

const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  platform_admin: [
    'manage_tenants',
    'administer_tenant',
    'grant_platform_admin',
    'act_for_platform',
    'bypass_suspension',
  ],
  tenant_admin: ['administer_tenant'],
  member: [],
}

/** Whether any of the caller's roles grants the permission. */
export function can(caller: { roles: readonly Role[] }, permission: Permission): boolean {
  return caller.roles.some((role) => GRANTS[role].includes(permission))
}
