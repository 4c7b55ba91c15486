import { PLATFORM_ACTOR } from '../models/index.js'
import type { TokenIdentity } from '../security/token-identity.js'
import { can } from './permissions.js'

/** Who is asking: taken only from the verified token, passed explicitly into every service call. */
export interface RequestContext extends TokenIdentity {
  correlationId: string
  /** Where the request came from, for the audit log. */
  ipAddress?: string | undefined
  userAgent?: string | undefined
  /** Set when the request carries an Idempotency-Key: see WriteStamp. */
  idempotency?: IdempotentAttempt | undefined
}

/** What every attempt of one idempotent request shares, kept with its key. */
export interface IdempotentAttempt {
  /** Random, drawn when the key was first claimed: new ids are derived from it. */
  seed: string
  /** Unix milliseconds of the first attempt: the time its writes are stamped with. */
  startedAt: number
}

/**
 * Who a change is recorded as: its author in the audit log, the owner of what it creates. A
 * platform admin acts for the platform, so the tenant's data never names the operator; the
 * operator stays in the platform's request log.
 */
export function actingUserId(context: RequestContext): string {
  return can(context, 'act_for_platform') ? PLATFORM_ACTOR : context.userId
}
