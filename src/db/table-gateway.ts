// The only code that talks to DynamoDB. Every call is scoped to one tenant: a key that does not
// start with `tenant#<tenantId>#` is refused before it reaches the table. Every call is also tagged
// with that tenant and the model it is for, so that what it consumes counts for the tenant's usage.
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb'
import {
  fromItem,
  type Item,
  layoutOf,
  type Model,
  type ModelClass,
  primaryKeyOf,
  type TenantModel,
  toItem,
  upcastItem,
} from '../models/index.js'
import { type BatchOptions, batchGet, batchWrite, type FailedWrite, type WriteRequest } from './batch.js'
import type { CursorCodec } from './cursor.js'
import type { Filter } from './filter.js'
import type { ItemCache } from './item-cache.js'
import { type Page, type QueryRequest, queryPage } from './paged-query.js'
import {
  conditionalDeleteParams,
  conditionalPutParams,
  getItemParams,
  type PrimaryKey,
  type QuerySpec,
} from './params.js'
import { isConditionalCheckFailed, sendMapped } from './sdk-errors.js'
import { assertTenantAction, assertTenantItem, assertTenantKey, usageTagOf } from './tenant-scope.js'
import { type TransactionAction, transactWrite } from './transactions.js'
import { withUsageTag } from './usage-tag.js'
import { deleteItemInput, fromWire, getItemInput, putItemInput, type WireItem } from './wire.js'

export type { Page, QueryRequest } from './paged-query.js'

export type ConditionalPut<M> = { written: true } | { written: false; stored: M | undefined }

export interface GatewayOptions {
  tableName: string
  cursors: CursorCodec
  cache: ItemCache
  batch: BatchOptions
  /** Told after every write (landed or not) of items that may be cached, e.g. to tell other instances. */
  onWritten?: (tenantId: string, keys: readonly PrimaryKey[]) => void
}

const STREAM_PAGE_SIZE = 100

export class TableGateway {
  readonly tableName: string

  /** @param client the data client (see createDataClient): wire format in and out, see wire.ts */
  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: GatewayOptions,
  ) {
    this.tableName = options.tableName
  }

  /**
   * The live (not soft-deleted) item at this key that `readable` allows, or undefined. Consistent
   * reads skip the cache. Only a hit the caller may see is answered from memory: every other answer
   * (missing, deleted, or not the caller's to read) costs the same one read from DynamoDB, so how
   * long a "not found" takes says nothing about what exists.
   */
  async get<M extends Model>(
    modelClass: ModelClass<M>,
    tenantId: string,
    key: PrimaryKey,
    options: { consistent?: boolean; readable?: (model: M) => boolean } = {},
  ): Promise<M | undefined> {
    assertTenantKey(key.pk, tenantId)
    const consistent = options.consistent ?? false
    const cached = consistent ? undefined : this.options.cache.get(tenantId, key.pk, key.sk)
    const hit = cached && visible(modelClass, cached, options.readable)
    if (hit) return hit
    const readToken = this.options.cache.readToken()
    const stored = await this.#read(key, consistent, tenantId, layoutOf(modelClass).modelName)
    if (!stored) return undefined
    // The cache keeps the item in its current shape, so a hit never upcasts it again.
    const item =
      stored.model_name === layoutOf(modelClass).modelName ? upcastItem(modelClass, stored) : stored
    this.options.cache.set(tenantId, key.pk, key.sk, item, readToken)
    return visible(modelClass, item, options.readable)
  }

  /**
   * Writes the model only while `condition` holds for the stored item. When it does not, says what
   * is stored there (as a model), if anything.
   */
  async putIf<M extends TenantModel>(model: M, condition: Filter): Promise<ConditionalPut<M>> {
    const item = this.#ownItem(model)
    try {
      await this.#invalidatingAround(model.tenantId, [primaryKeyOf(model)], () =>
        sendMapped(() =>
          this.client.send(
            new PutItemCommand(
              withUsageTag(
                putItemInput(conditionalPutParams(this.tableName, item, condition)),
                usageTagOf(model.tenantId, String(item.model_name)),
              ),
            ),
          ),
        ),
      )
      return { written: true }
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error
      const old = await this.#itemAtFailure(model, error)
      return { written: false, stored: old && fromItem(model.constructor as ModelClass<M>, old) }
    }
  }

  /** Deletes the model's item only while `condition` holds; resolves whether it did. */
  async deleteIf<M extends TenantModel>(model: M, condition: Filter): Promise<boolean> {
    const key = primaryKeyOf(model)
    assertTenantKey(key.pk, model.tenantId)
    try {
      await this.#invalidatingAround(model.tenantId, [key], () =>
        sendMapped(() =>
          this.client.send(
            new DeleteItemCommand(
              withUsageTag(
                deleteItemInput(conditionalDeleteParams(this.tableName, key, condition)),
                usageTagOf(model.tenantId, nameOfModel(model)),
              ),
            ),
          ),
        ),
      )
      return true
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false
      throw error
    }
  }

  /** One page of a query, with an authenticated cursor to the next page (null on the last). */
  query<M extends Model>(
    modelClass: ModelClass<M>,
    tenantId: string,
    request: QueryRequest,
  ): Promise<Page<M>> {
    return queryPage(this.client, this.tableName, this.options.cursors, modelClass, tenantId, request)
  }

  /** Every item a query matches, page by page: for scripts and exports, not for request handlers. */
  async *stream<M extends Model>(
    modelClass: ModelClass<M>,
    tenantId: string,
    spec: QuerySpec,
  ): AsyncGenerator<M> {
    let cursor: string | undefined
    do {
      const page = await this.query(modelClass, tenantId, { ...spec, limit: STREAM_PAGE_SIZE, cursor })
      yield* page.items
      cursor = page.nextCursor ?? undefined
    } while (cursor)
  }

  /** Writes new items in batches; resolves with the models that could not be written, and why. */
  async createMany<M extends TenantModel>(models: readonly M[]): Promise<{ model: M; error: unknown }[]> {
    const byId = new Map<string, M>()
    const requests: WriteRequest[] = models.map((model) => {
      byId.set(model.id, model)
      return { PutRequest: { Item: this.#ownItem(model) } }
    })
    const first = models[0]
    const usage = first && usageTagOf(first.tenantId, nameOfModel(first))
    const failed: FailedWrite[] = await batchWrite(this.client, this.tableName, requests, {
      ...this.options.batch,
      usage,
    })
    return failed.map(({ request, error }) => {
      const item = (request as { PutRequest: { Item: Item } }).PutRequest.Item
      return { model: byId.get(item.id as string) as M, error }
    })
  }

  /** Reads many live items of one tenant by key; `unprocessed` lists keys DynamoDB never served. */
  async getMany<M extends Model>(
    modelClass: ModelClass<M>,
    tenantId: string,
    keys: readonly PrimaryKey[],
    options: { consistent?: boolean } = {},
  ) {
    for (const key of keys) assertTenantKey(key.pk, tenantId)
    const modelName = layoutOf(modelClass).modelName
    const { items, unprocessed } = await batchGet(
      this.client,
      this.tableName,
      keys,
      { ...this.options.batch, usage: usageTagOf(tenantId, modelName) },
      options.consistent,
    )
    const live = items.filter((item) => item.deleted_utc === undefined && item.model_name === modelName)
    return { items: live.map((item) => fromItem(modelClass, item)), unprocessed }
  }

  /**
   * Runs actions as one transaction; every key must belong to `tenantId`. Its capacity counts for
   * `model` (the model it changes; by default the first item it puts).
   */
  async transact(
    tenantId: string,
    actions: readonly TransactionAction[],
    clientRequestToken?: string,
    model = String(actions.find((action) => action.Put)?.Put?.Item?.model_name ?? 'transaction'),
  ) {
    for (const action of actions) assertTenantAction(action, tenantId)
    const keys = actions.flatMap((action) => {
      const key = action.Put?.Item ?? action.Update?.Key ?? action.Delete?.Key
      return key ? [{ pk: String(key.pk), sk: String(key.sk) }] : []
    })
    await this.#invalidatingAround(tenantId, keys, () =>
      transactWrite(this.client, actions, clientRequestToken, usageTagOf(tenantId, model)),
    )
  }

  /** The item for a model, after checking that all its partition keys stay inside its tenant. */
  #ownItem<M extends TenantModel>(model: M): Item {
    const item = toItem(model)
    assertTenantItem(item, model.tenantId)
    return item
  }

  /**
   * Drops cached copies before a write (so no reader gets the old item from memory) and again after
   * it (so a read that raced the write cannot have put the old item back), then says so (onWritten).
   */
  async #invalidatingAround<T>(
    tenantId: string,
    keys: readonly PrimaryKey[],
    write: () => Promise<T>,
  ): Promise<T> {
    const invalidate = () => {
      for (const key of keys) this.options.cache.invalidate(tenantId, key.pk, key.sk)
    }
    invalidate()
    try {
      return await write()
    } finally {
      invalidate()
      this.options.onWritten?.(tenantId, keys)
    }
  }

  async #itemAtFailure<M extends TenantModel>(model: M, error: { Item?: Record<string, unknown> }) {
    // The exception carries the old item in DynamoDB's wire format; older emulators omit it.
    if (error.Item) return fromWire(error.Item as WireItem)
    return this.#read(primaryKeyOf(model), true, model.tenantId, nameOfModel(model))
  }

  async #read(key: PrimaryKey, consistent: boolean, tenantId: string, model: string) {
    const input = getItemInput(getItemParams(this.tableName, key, consistent))
    const output = await sendMapped(() =>
      this.client.send(new GetItemCommand(withUsageTag(input, usageTagOf(tenantId, model)))),
    )
    return output.Item && fromWire(output.Item)
  }
}

function visible<M extends Model>(
  modelClass: ModelClass<M>,
  item: Readonly<Item>,
  readable: ((model: M) => boolean) | undefined,
): M | undefined {
  if (item.deleted_utc !== undefined || item.model_name !== layoutOf(modelClass).modelName) return undefined
  const model = fromItem(modelClass, item)
  return !readable || readable(model) ? model : undefined
}

function nameOfModel(model: Model): string {
  return layoutOf(model.constructor as ModelClass<Model>).modelName
}
