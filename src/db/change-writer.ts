// Writes a change and everything that must happen with it (its audit entry, uniqueness claims) in
// one transaction: all of it is stored, or none of it.
import { randomUUID } from 'node:crypto'
import { AppError, conflict, notFound } from '../errors/app-error.js'
import {
  type Item,
  type Model,
  type ModelClass,
  modelNameOf,
  primaryKeyOf,
  type TenantModel,
  toItem,
} from '../models/index.js'
import { type BackoffOptions, backoffDelay, sleep } from './backoff.js'
import { type Change, changeAction, isSameCreation } from './change-params.js'
import { putNewItemParams } from './params.js'
import type { TableGateway } from './table-gateway.js'
import { planTransactions } from './transaction-plan.js'
import { MAX_TRANSACTION_ACTIONS, type TransactionAction, TransactionCancelledError } from './transactions.js'

export interface SideEffects {
  /** New items written with the change (each must not exist yet). */
  create?: readonly TenantModel[]
  /** Items removed with the change. */
  remove?: readonly TenantModel[]
}

export interface ChangeWriterOptions {
  tableName: string
  softDeleteRetentionSeconds: number
  backoff: BackoffOptions
  concurrency: number
}

export type ChangeFailure<M extends TenantModel> = { change: Change<M>; error: unknown }

type PendingChange<M extends TenantModel> = { change: Change<M>; actions: TransactionAction[] }

export class ChangeWriter {
  constructor(
    private readonly gateway: TableGateway,
    private readonly options: ChangeWriterOptions,
  ) {}

  /**
   * Applies one change with its side effects. If the change's own condition fails, the item as it
   * is now decides the error: NOT_FOUND when it is gone, CONFLICT when another write got there
   * first; a create that finds its own item (an earlier attempt of the same request wrote it) is
   * done. A failed side effect surfaces as TransactionCancelledError, naming the action.
   */
  async apply<M extends TenantModel>(change: Change<M>, effects: SideEffects = {}): Promise<void> {
    const error = await this.#commit(change.model, this.#actions(change, effects), {
      retryUnavailable: false,
    })
    if (error === undefined) return
    if (!(error instanceof TransactionCancelledError) || error.reasons[0] !== 'ConditionalCheckFailed')
      throw error
    if (change.kind === 'create' && (await this.#createdBefore(change, error, 0))) return
    throw await this.#explain(change)
  }

  /**
   * Applies many independent changes (each with its own side effects) in transactions spread evenly
   * over the writers (see planTransactions), retrying transient failures with backoff. Resolves with
   * the changes that still failed. The changes may belong to several tenants: a transaction holds
   * one tenant's changes only.
   */
  async applyMany<M extends TenantModel>(
    changes: readonly { change: Change<M>; effects?: SideEffects }[],
  ): Promise<ChangeFailure<M>[]> {
    const pending = byTenant(changes).map(
      ({ change, effects }): PendingChange<M> => ({ change, actions: this.#actions(change, effects ?? {}) }),
    )
    const chunks = planTransactions(
      pending,
      (entry) => entry.actions.length,
      (entry) => entry.change.model.tenantId,
      { maxActions: MAX_TRANSACTION_ACTIONS, writers: this.options.concurrency },
    )
    const failures: ChangeFailure<M>[] = []
    let next = 0
    const worker = async () => {
      while (next < chunks.length) failures.push(...(await this.#applyChunk(chunks[next++] ?? [])))
    }
    const workers = Math.min(this.options.concurrency, chunks.length)
    await Promise.all(Array.from({ length: workers }, worker))
    return failures
  }

  /**
   * Commits a chunk of changes as one transaction. When some of their conditions fail, those
   * changes are settled on their own (done, if an earlier attempt of the request wrote them; else
   * failed) and the rest of the chunk is committed again without them.
   */
  async #applyChunk<M extends TenantModel>(chunk: PendingChange<M>[]): Promise<ChangeFailure<M>[]> {
    const failures: ChangeFailure<M>[] = []
    let pending = chunk
    while (pending.length > 0) {
      const error = await this.#commit(
        (pending[0] as PendingChange<M>).change.model,
        pending.flatMap((entry) => entry.actions),
        {
          retryUnavailable: true,
        },
      )
      if (error === undefined) break
      const failedActions = error instanceof TransactionCancelledError ? error.failedConditions : []
      if (failedActions.length === 0) {
        for (const { change } of pending) failures.push({ change, error })
        break
      }
      const remaining: PendingChange<M>[] = []
      let first = 0
      for (const entry of pending) {
        const last = first + entry.actions.length
        if (!failedActions.some((index) => index >= first && index < last)) remaining.push(entry)
        else if (!(await this.#createdBefore(entry.change, error as TransactionCancelledError, first)))
          failures.push({ change: entry.change, error: await this.#explain(entry.change) })
        first = last
      }
      pending = remaining
    }
    return failures
  }

  /** Whether the change is a create whose item (action `index`) an earlier attempt already wrote. */
  async #createdBefore<M extends TenantModel>(
    change: Change<M>,
    error: TransactionCancelledError,
    index: number,
  ): Promise<boolean> {
    if (change.kind !== 'create' || !change.repeatable || error.reasons[index] !== 'ConditionalCheckFailed')
      return false
    return isSameCreation(await this.#storedAt(change, error.items[index]), change.model)
  }

  /** The item at the change's key when its condition failed: as DynamoDB returned it, or read now. */
  async #storedAt<M extends TenantModel>(change: Change<M>, returned: Item | undefined) {
    if (returned) return returned
    const modelClass = change.model.constructor as ModelClass<Model>
    const stored = await this.gateway.get(modelClass, change.model.tenantId, primaryKeyOf(change.model), {
      consistent: true,
    })
    return stored && toItem(stored)
  }

  /**
   * One token for all attempts, so a retry after a lost response does not apply it twice. A
   * transaction that collided with another on the same items is tried again with backoff; so is
   * an outage when `retryUnavailable` (a batch keeps going; a single change answers 503 at once).
   */
  async #commit(
    model: TenantModel,
    actions: TransactionAction[],
    { retryUnavailable }: { retryUnavailable: boolean },
  ): Promise<unknown> {
    if (actions.length === 0) return undefined
    const token = randomUUID()
    for (let attempt = 0; ; attempt++) {
      try {
        await this.gateway.transact(
          model.tenantId,
          actions,
          token,
          modelNameOf(model.constructor as ModelClass<Model>),
        )
        return undefined
      } catch (error) {
        const transient =
          (retryUnavailable && error instanceof AppError && error.code === 'SERVICE_UNAVAILABLE') ||
          (error instanceof TransactionCancelledError && error.reasons.includes('TransactionConflict'))
        if (!transient || attempt + 1 >= this.options.backoff.maxAttempts) return error
        await sleep(backoffDelay(attempt + 1, this.options.backoff))
      }
    }
  }

  #actions<M extends TenantModel>(change: Change<M>, effects: SideEffects): TransactionAction[] {
    const { tableName } = this.options
    return [
      changeAction(tableName, change, this.options.softDeleteRetentionSeconds),
      ...(effects.create ?? []).map(
        (model): TransactionAction => ({
          Put: putNewItemParams(tableName, toItem(model)) as NonNullable<TransactionAction['Put']>,
        }),
      ),
      ...(effects.remove ?? []).map(
        (model): TransactionAction => ({ Delete: { TableName: tableName, Key: primaryKeyOf(model) } }),
      ),
    ]
  }

  async #explain<M extends TenantModel>(change: Change<M>): Promise<AppError> {
    const { model } = change
    const modelClass = model.constructor as ModelClass<Model>
    if (change.kind === 'create') return conflict('an item with this id already exists')
    const current = await this.gateway.get(modelClass, model.tenantId, primaryKeyOf(model), {
      consistent: true,
    })
    if (!current) return notFound(modelClass.name.toLowerCase())
    return conflict('the item was changed by another request; read it again and retry')
  }
}

/** The changes with each tenant's together, tenants in the order they first appear. */
function byTenant<T extends { change: Change<TenantModel> }>(changes: readonly T[]): T[] {
  const groups = new Map<string, T[]>()
  for (const entry of changes) {
    const tenantId = entry.change.model.tenantId
    const group = groups.get(tenantId)
    if (group) group.push(entry)
    else groups.set(tenantId, [entry])
  }
  return [...groups.values()].flat()
}
