// The only code that talks to DynamoDB. Every call is scoped to one tenant: a key that does not
// start with `tenant#<tenantId>#` is refused before it reaches the table.
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb'
import { conflict, notFound } from '../errors/app-error.js'
import {
  fromItem,
  type IndexName,
  type Item,
  keyAttributes,
  layoutOf,
  type Model,
  type ModelClass,
  primaryKeyOf,
  type TenantModel,
  tenantKeyPrefix,
  toItem,
} from '../models/index.js'
import { type CursorCodec, invalidCursor } from './cursor.js'
import { ExpressionAttributes } from './expression.js'
import { and, compileFilter, type Filter, notExists } from './filter.js'
import { isConditionalCheckFailed, mapSdkError } from './sdk-errors.js'

export type SortKeyCondition = { beginsWith: string } | { between: readonly [string, string] }

export interface QueryRequest {
  index: IndexName
  partitionKey: string
  sortKey?: SortKeyCondition
  /** Sort-key order; DynamoDB's default is ascending. */
  ascending?: boolean
  limit: number
  cursor?: string | undefined
  filter?: Filter
}

export interface Page<M> {
  items: M[]
  nextCursor: string | null
}

export interface PrimaryKey {
  pk: string
  sk: string
}

/** A filtered query may come back short; it is re-issued at most this often to fill a page. */
const MAX_QUERY_ROUNDS = 5

export class TableGateway {
  constructor(
    private readonly document: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly cursors: CursorCodec,
  ) {}

  /** The live (not soft-deleted) item at this key, or undefined. */
  async get<M extends Model>(
    modelClass: ModelClass<M>,
    tenantId: string,
    key: PrimaryKey,
    options: { consistent?: boolean } = {},
  ): Promise<M | undefined> {
    assertTenantKey(key.pk, tenantId)
    const output = await this.#send(() =>
      this.document.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: options.consistent ?? false }),
      ),
    )
    const item = output.Item
    if (!item || item.deleted_utc !== undefined || item.model_name !== layoutOf(modelClass).modelName) {
      return undefined
    }
    return fromItem(modelClass, item)
  }

  /** Writes a new item; CONFLICT if one already has its key. */
  async create<M extends TenantModel>(model: M): Promise<M> {
    const item = toItem(model)
    assertTenantKey(item.pk as string, model.tenantId)
    try {
      await this.#send(() =>
        this.document.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      )
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw conflict('an item with this id already exists')
      throw error
    }
    return model
  }

  /**
   * Replaces a live item if it still has `expectedVersion`, bumping its version: concurrent writers
   * can never overwrite each other's change. NOT_FOUND if it is gone, CONFLICT if it moved on.
   */
  async replace<M extends TenantModel>(model: M, expectedVersion: number, now: Date): Promise<M> {
    model.version = expectedVersion + 1
    model.updatedUtc = now.toISOString()
    const item = toItem(model)
    assertTenantKey(item.pk as string, model.tenantId)
    try {
      await this.#send(() =>
        this.document.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression:
              'attribute_exists(pk) AND attribute_not_exists(deleted_utc) AND #version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      )
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw await this.#explainFailedWrite(model, error.Item)
      throw error
    }
    return model
  }

  /**
   * Marks a live item deleted (if it still has `expectedVersion`) and drops its secondary index
   * keys, so it leaves every list at once; reads treat it as missing.
   */
  async softDelete<M extends TenantModel>(model: M, expectedVersion: number, now: Date): Promise<void> {
    const key = primaryKeyOf(model)
    assertTenantKey(key.pk, model.tenantId)
    const attributes = new ExpressionAttributes()
    const timestamp = attributes.value(now.toISOString())
    const secondaryKeys = layoutOf(model.constructor as ModelClass<M>)
      .indexes.filter((index) => index.name !== 'primary')
      .flatMap((index) => [attributes.name(index.pkAttribute), attributes.name(index.skAttribute)])
    const version = attributes.name('version')
    const update =
      `SET ${attributes.name('deleted_utc')} = ${timestamp}, ${attributes.name('updated_utc')} = ${timestamp}, ` +
      `${version} = ${attributes.value(expectedVersion + 1)}` +
      (secondaryKeys.length > 0 ? ` REMOVE ${secondaryKeys.join(', ')}` : '')
    try {
      await this.#send(() =>
        this.document.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: update,
            ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(${attributes.name('deleted_utc')}) AND ${version} = ${attributes.value(expectedVersion)}`,
            ...attributes.toParams(),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      )
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw await this.#explainFailedWrite(model, error.Item)
      throw error
    }
  }

  /** One page of a query, with an authenticated cursor to the next page (null on the last). */
  async query<M extends Model>(
    modelClass: ModelClass<M>,
    tenantId: string,
    request: QueryRequest,
  ): Promise<Page<M>> {
    assertTenantKey(request.partitionKey, tenantId)
    const keyNames = keyAttributes(request.index)
    const binding = { tenantId, query: fingerprint(request) }
    let startKey = request.cursor ? this.cursors.decode(request.cursor, binding) : undefined
    if (startKey && startKey[keyNames.pk] !== request.partitionKey) throw invalidCursor()

    const input = this.#queryInput(request)
    const items: M[] = []
    for (let round = 0; round < MAX_QUERY_ROUNDS && items.length < request.limit; round++) {
      const output = await this.#send(() =>
        this.document.send(
          new QueryCommand({ ...input, Limit: request.limit - items.length, ExclusiveStartKey: startKey }),
        ),
      )
      for (const item of output.Items ?? []) items.push(fromItem(modelClass, item))
      startKey = output.LastEvaluatedKey as Record<string, string> | undefined
      if (!startKey) break
    }
    return { items, nextCursor: startKey ? this.cursors.encode(startKey, binding) : null }
  }

  #queryInput(request: QueryRequest): QueryCommandInput {
    const attributes = new ExpressionAttributes()
    const keyNames = keyAttributes(request.index)
    let keyCondition = `${attributes.name(keyNames.pk)} = ${attributes.value(request.partitionKey)}`
    const sortKey = request.sortKey
    if (sortKey && 'beginsWith' in sortKey) {
      keyCondition += ` AND begins_with(${attributes.name(keyNames.sk)}, ${attributes.value(sortKey.beginsWith)})`
    } else if (sortKey) {
      keyCondition += ` AND ${attributes.name(keyNames.sk)} BETWEEN ${attributes.value(sortKey.between[0])} AND ${attributes.value(sortKey.between[1])}`
    }
    const filter = request.filter ? and(notExists('deletedUtc'), request.filter) : notExists('deletedUtc')
    return {
      TableName: this.tableName,
      ...(request.index === 'primary' ? {} : { IndexName: request.index }),
      KeyConditionExpression: keyCondition,
      FilterExpression: compileFilter(filter, attributes),
      ScanIndexForward: request.ascending ?? true,
      ...attributes.toParams(),
    }
  }

  async #explainFailedWrite<M extends TenantModel>(model: M, oldItem: Item | undefined) {
    const current = oldItem ?? (await this.#readRaw(primaryKeyOf(model)))
    if (!current || current.deleted_utc !== undefined)
      return notFound(layoutOf(model.constructor as ModelClass<M>).modelName)
    return conflict('the item was changed by another request; read it again and retry')
  }

  async #readRaw(key: PrimaryKey): Promise<Item | undefined> {
    const output = await this.#send(() =>
      this.document.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
    )
    return output.Item
  }

  async #send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (error) {
      throw mapSdkError(error)
    }
  }
}

function assertTenantKey(partitionKey: string, tenantId: string): void {
  if (!partitionKey.startsWith(tenantKeyPrefix(tenantId))) {
    throw new Error(`refusing a key outside tenant ${tenantId}: ${partitionKey}`)
  }
}

function fingerprint(request: QueryRequest): string {
  return JSON.stringify([
    request.index,
    request.partitionKey,
    request.sortKey ?? null,
    request.ascending ?? true,
    request.filter ?? null,
  ])
}
