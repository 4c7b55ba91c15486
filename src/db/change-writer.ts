// Writes a change and everything that must happen with it (its audit entry, uniqueness claims) in
// one transaction: all of it is stored, or none of it.
import { randomUUID } from 'node:crypto'
import { AppError, conflict, notFound } from '../errors/app-error.js'
import { type Model, type ModelClass, primaryKeyOf, type TenantModel, toItem } from '../models/index.js'
import { type BackoffOptions, backoffDelay, sleep } from './backoff.js'
import { type Change, changeAction } from './change-params.js'
import { putNewItemParams } from './params.js'
import type { TableGateway } from './table-gateway.js'
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

export class ChangeWriter {
  constructor(
    private readonly gateway: TableGateway,
    private readonly options: ChangeWriterOptions,
  ) {}

  /**
   * Applies one change with its side effects. If the change's own condition fails, the item as it
   * is now decides the error: NOT_FOUND when it is gone, CONFLICT when another write got there
   * first. A failed side effect surfaces as TransactionCancelledError, naming the action.
   */
  async apply<M extends TenantModel>(change: Change<M>, effects: SideEffects = {}): Promise<void> {
    try {
      await this.gateway.transact(change.model.tenantId, this.#actions(change, effects), randomUUID())
    } catch (error) {
      if (!(error instanceof TransactionCancelledError) || error.reasons[0] !== 'ConditionalCheckFailed')
        throw error
      throw await this.#explain(change)
    }
  }

  /**
   * Applies many independent changes (each with its own side effects) in as few transactions as
   * fit, retrying transient failures with backoff. Resolves with the changes that still failed.
   */
  async applyMany<M extends TenantModel>(
    changes: readonly { change: Change<M>; effects?: SideEffects }[],
  ): Promise<ChangeFailure<M>[]> {
    const chunks: { change: Change<M>; actions: TransactionAction[] }[][] = [[]]
    let actionsInChunk = 0
    for (const { change, effects } of changes) {
      const actions = this.#actions(change, effects ?? {})
      if (actionsInChunk + actions.length > MAX_TRANSACTION_ACTIONS) {
        chunks.push([])
        actionsInChunk = 0
      }
      chunks.at(-1)?.push({ change, actions })
      actionsInChunk += actions.length
    }
    const failures: ChangeFailure<M>[] = []
    let next = 0
    const worker = async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++] ?? []
        const error = await this.#commitWithRetries(
          chunk[0]?.change.model.tenantId ?? '',
          chunk.flatMap((entry) => entry.actions),
        )
        if (error !== undefined) for (const { change } of chunk) failures.push({ change, error })
      }
    }
    const workers = Math.min(this.options.concurrency, chunks.length)
    await Promise.all(Array.from({ length: workers }, worker))
    return failures
  }

  /** One token for all attempts, so a retry after a lost response does not apply it twice. */
  async #commitWithRetries(tenantId: string, actions: TransactionAction[]): Promise<unknown> {
    if (actions.length === 0) return undefined
    const token = randomUUID()
    for (let attempt = 0; ; attempt++) {
      try {
        await this.gateway.transact(tenantId, actions, token)
        return undefined
      } catch (error) {
        const transient =
          (error instanceof AppError && error.code === 'SERVICE_UNAVAILABLE') ||
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
