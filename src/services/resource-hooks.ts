// What a resource may add to the generic service when plain create/read/update/delete is not all
// it is: fields derived at write time, encryption at rest, items written in the same transaction
// as each change, and work after a change. Hooks reach what they need at run time through
// ResourceDeps, which the container passes in when it builds the service.
import type { SideEffects } from '../db/change-writer.js'
import type { TableGateway } from '../db/table-gateway.js'
import type { AppError } from '../errors/app-error.js'
import type { TenantModel } from '../models/index.js'
import type { BlindIndex } from '../security/blind-index.js'
import type { FieldCipher } from '../security/field-cipher.js'
import type { RequestContext } from './request-context.js'
import type { TenantStandingCache } from './tenant-standing-cache.js'

/** What hooks may use, each resolved from the container when first read. */
export interface ResourceDeps {
  readonly gateway: TableGateway
  readonly cipher: FieldCipher
  readonly blindIndex: BlindIndex
  readonly standings: TenantStandingCache
}

export type ChangeKind = 'create' | 'update' | 'delete'

export interface ResourceHooks<M extends TenantModel> {
  /** Sets the fields derived from others (e.g. a blind index) once the input is applied. */
  derive?(item: M): void
  /** The copy of an item that is stored (e.g. its encrypted fields sealed); the item stays as it is. */
  seal?(item: M): Promise<M>
  /** An item as read from the table, made readable (e.g. its encrypted fields opened). */
  open?(item: M): Promise<M>
  /**
   * Items written or removed in the same transaction as the change. `before` is the item as it
   * was read (update and delete).
   */
  effects?(kind: ChangeKind, item: M, before: M | undefined): SideEffects
  /** The error that answers a change one of whose effects' conditions refused it (e.g. a claim taken). */
  refused?(): AppError
  /** Runs once a change has been tried, whatever came of it, an outage too (e.g. to forget a cached copy). */
  afterWrite?(kind: ChangeKind, item: M): void
}

/** A list of at most one item, found by a lookup (e.g. through a unique claim) rather than a query. */
export interface LookupSpec<Params> {
  /** The id of the item the parameters name, if any. */
  lookup(context: RequestContext, params: Params, deps: ResourceDeps): Promise<string | undefined>
}

/** The effects' items, then the change's own audit entry. */
export function withAudit(effects: SideEffects | undefined, audit: TenantModel): SideEffects {
  return {
    create: [...(effects?.create ?? []), audit],
    ...(effects?.remove?.length ? { remove: effects.remove } : {}),
  }
}
