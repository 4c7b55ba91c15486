import type { IndexDefinitions } from './indexes.js'
import { buildKey, tenantKey } from './key.js'
import { TenantModel } from './model.js'

/**
 * A user profile inside a tenant. `id` is the user's subject in the identity provider (the token's
 * `sub`), so `GET /users/me` is a read by key. `email` and `phone` are stored encrypted; `emailIndex`
 * is the blind index that equality lookups and the uniqueness item use.
 */
export class User extends TenantModel {
  static readonly modelVersion = 1
  static readonly fields = ['tenantId', 'userId', 'email', 'emailIndex', 'name', 'phone', 'roles'] as const
  static readonly encryptedFields = ['email', 'phone'] as const
  static readonly derivedFields = ['emailIndex'] as const

  static readonly indexes = {
    primary: {
      pk: (u) => tenantKey(u.tenantId, ['user', u.id]),
      sk: (u) => buildKey(['user', u.id]),
    },
    gsi1: {
      pk: (u) => tenantKey(u.tenantId, ['users', '']),
      sk: (u) => buildKey(['name', u.name], ['id', u.id]),
    },
  } satisfies IndexDefinitions<User>

  email = ''
  emailIndex = ''
  name = ''
  phone: string | null = null
  roles: string[] = []
}

/** The claim on one email (by blind index) within a tenant: its key exists at most once. */
export class UserEmailClaim extends TenantModel {
  static readonly modelVersion = 1
  static readonly fields = ['tenantId', 'userId', 'emailIndex'] as const

  static readonly indexes = {
    primary: {
      pk: (claim) => tenantKey(claim.tenantId, ['user_email', claim.emailIndex]),
      sk: () => buildKey(['user_email', '']),
    },
  } satisfies IndexDefinitions<UserEmailClaim>

  emailIndex = ''
}
