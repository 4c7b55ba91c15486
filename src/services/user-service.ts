import type { Change } from '../db/change-params.js'
import type { ChangeWriter, SideEffects } from '../db/change-writer.js'
import type { Page, TableGateway } from '../db/table-gateway.js'
import { TransactionCancelledError } from '../db/transactions.js'
import { conflict, forbidden, notFound, preconditionFailed } from '../errors/app-error.js'
import { initialise, keyOf, type Role, User, UserEmailClaim } from '../models/index.js'
import type { BlindIndex } from '../security/blind-index.js'
import type { FieldCipher } from '../security/field-cipher.js'
import { openModel, sealModel } from '../security/model-encryption.js'
import { auditEntry, difference, snapshot, valuesOf } from './audit.js'
import type { Clock } from './clock.js'
import { type ExpectedVersions, versionMatches } from './expected-versions.js'
import { actingUserId, isPlatformAdmin, isTenantAdmin, type RequestContext } from './request-context.js'
import { attempt, fail, ok, type ServiceResult } from './service-result.js'
import { WriteStamp } from './write-stamp.js'

export interface CreateUserInput {
  /** The user's id: their subject (`sub`) as keys hold it (userIdOf); generated when omitted. */
  id?: string | undefined
  email: string
  name: string
  phone?: string | null | undefined
  roles?: Role[] | undefined
}

export type UpdateUserInput = Partial<Omit<CreateUserInput, 'id'>>

/**
 * User profiles inside the caller's tenant. Email and phone are encrypted before they are stored;
 * an email is unique per tenant through a claim item written in the same transaction as the user.
 */
export class UserService {
  constructor(
    private readonly gateway: TableGateway,
    private readonly changes: ChangeWriter,
    private readonly cipher: FieldCipher,
    private readonly blindIndex: BlindIndex,
    private readonly clock: Clock,
  ) {}

  async create(context: RequestContext, input: CreateUserInput): Promise<ServiceResult<User>> {
    if (!isTenantAdmin(context)) return fail(forbidden('only a tenant admin may create users'))
    if (!mayAssignRoles(context, [], input.roles)) return fail(forbidden(PLATFORM_ADMIN_ONLY))
    const stamp = WriteStamp.for(context, this.clock)
    const user = initialise(new User(), stamp.now, User.modelVersion, input.id || stamp.nextId())
    user.tenantId = context.tenantId
    user.userId = actingUserId(context)
    applyChanges(user, { roles: ['member'], ...input }, this.blindIndex)
    const audit = auditEntry(context, user, 'create', { oldValues: null, newValues: snapshot(user) }, stamp)
    const claim = this.#claim(user)
    return this.#write(user, (sealed) => ({ kind: 'create', model: sealed }), { create: [claim, audit] })
  }

  async me(context: RequestContext): Promise<ServiceResult<User>> {
    return this.get(context, context.userId)
  }

  /** A user may read their own profile; a tenant admin any in the tenant. */
  async get(context: RequestContext, id: string): Promise<ServiceResult<User>> {
    if (id !== context.userId && !isTenantAdmin(context)) return fail(notFound('user'))
    const user = await this.#find(context, id)
    return user ? ok(user) : fail(notFound('user'))
  }

  async list(context: RequestContext, page: { limit: number; cursor?: string | undefined }) {
    if (!isTenantAdmin(context)) return fail<Page<User>>(forbidden('only a tenant admin may list users'))
    const { pk } = keyOf(User, 'gsi1', { tenantId: context.tenantId })
    const result = await attempt(
      this.gateway.query(User, context.tenantId, { index: 'gsi1', partitionKey: pk, ...page }),
    )
    if (!result.ok) return result
    const items = await Promise.all(result.value.items.map((user) => openModel(user, this.cipher)))
    return ok({ items, nextCursor: result.value.nextCursor })
  }

  /** Exact lookup by email, through the blind index: no plaintext is compared or stored. */
  async findByEmail(context: RequestContext, email: string): Promise<ServiceResult<User[]>> {
    if (!isTenantAdmin(context)) return fail(forbidden('only a tenant admin may list users'))
    const emailIndex = this.blindIndex.email(context.tenantId, email)
    const claimKey = keyOf(UserEmailClaim, 'primary', { tenantId: context.tenantId, emailIndex })
    const claim = await this.gateway.get(UserEmailClaim, context.tenantId, claimKey, { consistent: true })
    const user = claim ? await this.#find(context, claim.userId) : undefined
    return ok(user ? [user] : [])
  }

  async update(
    context: RequestContext,
    id: string,
    changes: UpdateUserInput,
    ifMatch?: ExpectedVersions,
  ): Promise<ServiceResult<User>> {
    const found = await this.#findWritable(context, id, ifMatch)
    if (!found.ok) return found
    if (changes.roles !== undefined && !isTenantAdmin(context)) {
      return fail(forbidden('only a tenant admin may change roles'))
    }
    const user = found.value
    if (!mayAssignRoles(context, user.roles, changes.roles)) return fail(forbidden(PLATFORM_ADMIN_ONLY))
    const before = valuesOf(user)
    const oldClaim = this.#claim(user)
    const expectedVersion = user.version
    applyChanges(user, changes, this.blindIndex)
    const stamp = WriteStamp.for(context, this.clock)
    const { now } = stamp
    const audit = auditEntry(context, user, 'update', difference(user, before, valuesOf(user)), stamp)
    const emailChanged = oldClaim.emailIndex !== user.emailIndex
    const effects = emailChanged
      ? { create: [this.#claim(user), audit], remove: [oldClaim] }
      : { create: [audit] }
    return this.#write(user, (sealed) => ({ kind: 'replace', model: sealed, expectedVersion, now }), effects)
  }

  async delete(
    context: RequestContext,
    id: string,
    ifMatch?: ExpectedVersions,
  ): Promise<ServiceResult<void>> {
    const found = await this.#findWritable(context, id, ifMatch)
    if (!found.ok) return found
    const user = found.value
    const stamp = WriteStamp.for(context, this.clock)
    const { now } = stamp
    const audit = auditEntry(context, user, 'delete', { oldValues: snapshot(user), newValues: null }, stamp)
    const change = { kind: 'softDelete' as const, model: user, expectedVersion: user.version, now }
    // The email is free again once its user is gone.
    return attempt(this.changes.apply(change, { create: [audit], remove: [this.#claim(user)] }))
  }

  /**
   * Stores the user encrypted, with the change's side effects. A refused claim (the only condition
   * besides the user's own) means the email is taken in this tenant.
   */
  async #write(
    user: User,
    change: (sealed: User) => Change<User>,
    effects: SideEffects,
  ): Promise<ServiceResult<User>> {
    const sealed = await sealModel(user, this.cipher)
    const result = await attempt(this.changes.apply(change(sealed), effects))
    if (!result.ok) {
      const claimRefused =
        result.error instanceof TransactionCancelledError && result.error.failedConditions.length > 0
      return fail(
        claimRefused ? conflict('a user with this email already exists in the tenant') : result.error,
      )
    }
    // The change bumped the stored copy's version and time; the caller sees the same.
    user.version = sealed.version
    user.updatedUtc = sealed.updatedUtc
    return ok(user)
  }

  #claim(user: User): UserEmailClaim {
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

  async #find(context: RequestContext, id: string, consistent = false): Promise<User | undefined> {
    const key = keyOf(User, 'primary', { tenantId: context.tenantId, id })
    const user = await this.gateway.get(User, context.tenantId, key, { consistent })
    return user ? openModel(user, this.cipher) : undefined
  }

  async #findWritable(
    context: RequestContext,
    id: string,
    ifMatch?: ExpectedVersions,
  ): Promise<ServiceResult<User>> {
    if (id !== context.userId && !isTenantAdmin(context)) return fail(notFound('user'))
    const user = await this.#find(context, id, true)
    if (!user) return fail(notFound('user'))
    if (!versionMatches(ifMatch, user.version)) return fail(preconditionFailed())
    return ok(user)
  }
}

const PLATFORM_ADMIN_ONLY = 'only a platform admin may grant or revoke platform_admin'

/** platform_admin reaches every tenant: only a platform admin may give it to a profile or take it away. */
function mayAssignRoles(
  context: RequestContext,
  current: readonly string[],
  next: readonly Role[] | undefined,
) {
  if (next === undefined || isPlatformAdmin(context)) return true
  return current.includes('platform_admin') === next.includes('platform_admin')
}

function applyChanges(user: User, changes: UpdateUserInput, blindIndex: BlindIndex): void {
  if (changes.email !== undefined) {
    user.email = changes.email
    user.emailIndex = blindIndex.email(user.tenantId, changes.email)
  }
  if (changes.name !== undefined) user.name = changes.name
  if (changes.phone !== undefined) user.phone = changes.phone
  if (changes.roles !== undefined) user.roles = [...changes.roles]
}
