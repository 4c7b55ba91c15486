// Users: the profiles of a tenant's people, each named by their subject (`sub`). Email and phone are
// stored encrypted; an email is unique in its tenant through a claim item written in the same
// transaction as the user.
import { conflict, forbidden } from '../errors/app-error.js'
import { success } from '../http/envelope.js'
import { etagOf } from '../http/if-match.js'
import { unwrap } from '../http/route-helpers.js'
import {
  createUserBody,
  listUsersQuery,
  updateUserBody,
  user,
  userParams,
} from '../http/routes/users/schemas.js'
import { dataResponse, errorResponses, HEADERS } from '../http/schemas/responses.js'
import { keyOf, type Role, subjectOf, User, UserEmailClaim, userIdOf } from '../models/index.js'
import { openModel, sealModel } from '../security/model-encryption.js'
import { can } from '../services/permissions.js'
import type { RequestContext } from '../services/request-context.js'
import type { LookupSpec } from '../services/resource-hooks.js'
import { partitionList } from '../services/resource-lists.js'
import { defineResource } from './define-resource.js'

const PLATFORM_ADMIN_ONLY = 'only a platform admin may grant or revoke platform_admin'

/** platform_admin reaches every tenant: only a platform admin may give it to a profile or take it away. */
function mayAssignRoles(
  context: RequestContext,
  current: readonly string[],
  next: readonly Role[] | undefined,
) {
  if (next === undefined || can(context, 'grant_platform_admin')) return true
  return current.includes('platform_admin') === next.includes('platform_admin')
}

const mineOrAdmin = (context: RequestContext, item: User) =>
  item.id === context.userId || can(context, 'administer_tenant')

/** The tenant's users, by name (gsi1). */
const all = partitionList<User, { limit: number }>('gsi1', (context) => ({ tenantId: context.tenantId }), {
  filtered: false,
})

/** The one user with this email, found through its claim (by blind index): no plaintext is compared. */
const byEmail: LookupSpec<{ email?: string | undefined }> = {
  async lookup(context, { email }, { gateway, blindIndex }) {
    const emailIndex = blindIndex.email(context.tenantId, email ?? '')
    const claimKey = keyOf(UserEmailClaim, 'primary', { tenantId: context.tenantId, emailIndex })
    const claim = await gateway.get(UserEmailClaim, context.tenantId, claimKey, { consistent: true })
    return claim?.userId
  },
}

function claimOf(user: User): UserEmailClaim {
  return Object.assign(new UserEmailClaim(), {
    id: user.emailIndex,
    tenantId: user.tenantId,
    userId: user.id,
    emailIndex: user.emailIndex,
    createdUtc: user.createdUtc,
    updatedUtc: user.updatedUtc,
    version: 1,
  })
}

const present = (u: User) => ({
  id: subjectOf(u.id),
  tenantId: u.tenantId,
  email: u.email,
  name: u.name,
  phone: u.phone,
  roles: u.roles,
  version: u.version,
  createdUtc: u.createdUtc,
  updatedUtc: u.updatedUtc,
})

export const users = defineResource({
  model: User,
  path: '/users',
  noun: 'user',

  access: {
    create: (context, input) => {
      if (!can(context, 'administer_tenant')) return forbidden('only a tenant admin may create users')
      return mayAssignRoles(context, [], input.roles) ? undefined : forbidden(PLATFORM_ADMIN_ONLY)
    },
    // Anyone else's profile answers 404, as if missing.
    read: mineOrAdmin,
    write: mineOrAdmin,
    writeRefusal: 'only the user or a tenant admin may change this user',
    change: (context, item, changes) => {
      if (changes.roles !== undefined && !can(context, 'administer_tenant'))
        return forbidden('only a tenant admin may change roles')
      return mayAssignRoles(context, item.roles, changes.roles) ? undefined : forbidden(PLATFORM_ADMIN_ONLY)
    },
    list: (context) =>
      can(context, 'administer_tenant') ? undefined : forbidden('only a tenant admin may list users'),
  },
  // The id is the subject the client names, or a generated one, as keys hold it: a generated ULID
  // has capitals, so it is encoded too, or its own Location would not reach it.
  id: (input, generate) => userIdOf(input.id || generate()),
  create: (item, { id: _id, ...input }) => applyChanges(item, { roles: ['member'], ...input }),
  update: applyChanges,
  hooks: ({ cipher, blindIndex }) => ({
    derive: (item) => {
      item.emailIndex = blindIndex.email(item.tenantId, item.email)
    },
    seal: (item) => sealModel(item, cipher),
    open: (item) => openModel(item, cipher),
    // The claim on the email is taken with the user, moved when the email changes, and freed with it.
    effects: (kind, item, before) => {
      if (kind === 'create') return { create: [claimOf(item)] }
      if (kind === 'delete') return { remove: [claimOf(item)] }
      const old = claimOf(before ?? item)
      return old.emailIndex === item.emailIndex ? {} : { create: [claimOf(item)], remove: [old] }
    },
    refused: () => conflict('a user with this email already exists in the tenant'),
  }),

  schemas: {
    create: createUserBody,
    update: updateUserBody,
    params: userParams,
    listQuery: listUsersQuery,
    item: user,
    listed: user,
  },
  present,
  pickList: (query) => ({ list: query.email === undefined ? all : byEmail, params: query }),
  pathId: { fromPath: userIdOf, toPath: subjectOf },
  logKeys: { created: 'newUserId', updated: 'changedUserId', deleted: 'deletedUserId' },
  extraRoutes(app, service) {
    const response = { 200: dataResponse(user, 'the user', { ETag: HEADERS.ETag }), ...errorResponses(404) }
    app.get(
      '/users/me',
      { schema: { summary: 'The caller’s own profile', response } },
      async (request, reply) => {
        const me = unwrap(await service.get(request.auth, request.auth.userId))
        return reply.header('ETag', etagOf(me.version)).send(success(present(me)))
      },
    )
  },
  versions: { v1: [], v2: [] },

  docs: {
    create: 'Create a user profile (tenant admins); the email is unique in the tenant',
    read: 'Read a user (the user, or a tenant admin)',
    update:
      'Change a user (the user, or a tenant admin; roles: tenant admins, platform_admin: platform admins)',
    delete: 'Delete a user (the user, or a tenant admin)',
    list: {
      summary: 'List users (tenant admins); `email=` finds one by exact email',
      response: 'one page of users',
    },
  },
})

type UserChanges = Partial<Pick<User, 'email' | 'name' | 'phone'>> & { roles?: readonly Role[] | undefined }

function applyChanges(user: User, changes: UserChanges): void {
  if (changes.email !== undefined) user.email = changes.email
  if (changes.name !== undefined) user.name = changes.name
  if (changes.phone !== undefined) user.phone = changes.phone
  if (changes.roles !== undefined) user.roles = [...changes.roles]
}
