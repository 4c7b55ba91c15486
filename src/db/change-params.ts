// A change to one item, as the transaction action that makes it. Services add more actions to
// the same transaction (the audit entry, uniqueness claims) so that all happen or none does.
import type { Item, Model, ModelClass, ModelLayout } from '../models/index.js'
import { layoutOf, primaryKeyOf, type TenantModel, toItem } from '../models/index.js'
import { putNewItemParams, replaceItemParams, softDeleteParams } from './params.js'
import type { TransactionAction } from './transactions.js'

export type Change<M extends TenantModel> =
  | {
      kind: 'create'
      model: M
      /**
       * An attempt of a request that may have run before (one sent with an Idempotency-Key, whose
       * ids and times every attempt shares): finding its own item already stored means it is done.
       */
      repeatable?: boolean
    }
  | { kind: 'replace'; model: M; expectedVersion: number; now: Date }
  | { kind: 'softDelete'; model: M; expectedVersion: number; now: Date }

/** Applies the change's bookkeeping to the model (version, update time) and returns its action. */
export function changeAction<M extends TenantModel>(
  tableName: string,
  change: Change<M>,
  softDeleteRetentionSeconds: number,
): TransactionAction {
  const { model } = change
  switch (change.kind) {
    case 'create':
      return { Put: putNewItemParams(tableName, toItem(model)) as NonNullable<TransactionAction['Put']> }
    case 'replace': {
      model.version = change.expectedVersion + 1
      model.updatedUtc = change.now.toISOString()
      const params = replaceItemParams(tableName, toItem(model), change.expectedVersion)
      return { Put: params as NonNullable<TransactionAction['Put']> }
    }
    case 'softDelete': {
      const deletedUtc = change.now.toISOString()
      const expiresAt = Math.floor(change.now.getTime() / 1000) + softDeleteRetentionSeconds
      const layout: ModelLayout = layoutOf(model.constructor as ModelClass<Model>)
      const params = softDeleteParams(
        tableName,
        layout,
        primaryKeyOf(model),
        change.expectedVersion,
        deletedUtc,
        expiresAt,
      )
      model.version = change.expectedVersion + 1
      model.updatedUtc = deletedUtc
      model.deletedUtc = deletedUtc
      return { Update: params as NonNullable<TransactionAction['Update']> }
    }
  }
}

/**
 * Whether `stored` is the very item a create writes, put there by an earlier attempt of the same
 * request (same id, creation time and creator): a retried create that finds it is done, not refused.
 */
export function isSameCreation(stored: Item | undefined, model: TenantModel): boolean {
  return (
    stored !== undefined &&
    stored.id === model.id &&
    stored.created_utc === model.createdUtc &&
    stored.user_id === model.userId
  )
}
