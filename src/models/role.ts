/** What a user may do: held on their profile, and claimed by their token. */
export const ROLES = ['platform_admin', 'tenant_admin', 'member'] as const
export type Role = (typeof ROLES)[number]
