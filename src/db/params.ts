// Pure parameter builders: what each call sends, built without I/O so they are unit-tested and
// benchmarked on their own. The gateway only adds send(), caching and error mapping. Every builder
// speaks plain values (the document client's input shapes); wire.ts translates them at the
// gateway's edge.
import type {
  DeleteCommandInput,
  GetCommandInput,
  PutCommandInput,
  QueryCommandInput,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb'
import { type IndexName, type Item, keyAttributes, type ModelLayout } from '../models/index.js'
import { TTL_ATTRIBUTE } from '../models/table-definition.js'
import { ExpressionAttributes } from './expression.js'
import { and, compileFilter, type Filter, notExists } from './filter.js'

export interface PrimaryKey {
  pk: string
  sk: string
}

export type SortKeyCondition = { beginsWith: string } | { between: readonly [string, string] }

export interface QuerySpec {
  index: IndexName
  partitionKey: string
  sortKey?: SortKeyCondition
  /** Sort-key order; DynamoDB's default is ascending. */
  ascending?: boolean
  filter?: Filter
  /** Model field names to return (the rest are left out). */
  fields?: readonly string[]
}

export function getItemParams(tableName: string, key: PrimaryKey, consistent: boolean): GetCommandInput {
  return { TableName: tableName, Key: key, ConsistentRead: consistent }
}

/** A put that fails if the key is taken. */
export function putNewItemParams(tableName: string, item: Item): PutCommandInput {
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression: 'attribute_not_exists(pk)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  }
}

/** A put that replaces a live item only while it still has `expectedVersion`. */
export function replaceItemParams(tableName: string, item: Item, expectedVersion: number): PutCommandInput {
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression:
      'attribute_exists(pk) AND attribute_not_exists(deleted_utc) AND #version = :expected',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: { ':expected': expectedVersion },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  }
}

/**
 * Marks a live item deleted (while it still has `expectedVersion`), sets the TTL attribute that
 * purges it later, and removes its secondary index keys so it leaves every list at once.
 */
export function softDeleteParams(
  tableName: string,
  layout: ModelLayout,
  key: PrimaryKey,
  expectedVersion: number,
  deletedUtc: string,
  expiresAt: number,
): UpdateCommandInput {
  const attributes = new ExpressionAttributes()
  const deleted = attributes.name('deleted_utc')
  const version = attributes.name('version')
  const timestamp = attributes.value(deletedUtc)
  const secondaryKeys = layout.indexes
    .filter((index) => index.name !== 'primary')
    .flatMap((index) => [attributes.name(index.pkAttribute), attributes.name(index.skAttribute)])
  const set = [
    `${deleted} = ${timestamp}`,
    `${attributes.name('updated_utc')} = ${timestamp}`,
    `${version} = ${attributes.value(expectedVersion + 1)}`,
    `${attributes.name(TTL_ATTRIBUTE)} = ${attributes.value(expiresAt)}`,
  ]
  const condition = `attribute_exists(pk) AND attribute_not_exists(${deleted}) AND ${version} = ${attributes.value(expectedVersion)}`
  return {
    TableName: tableName,
    Key: key,
    UpdateExpression: `SET ${set.join(', ')}${secondaryKeys.length > 0 ? ` REMOVE ${secondaryKeys.join(', ')}` : ''}`,
    ConditionExpression: condition,
    ...attributes.toParams(),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  }
}

/** A query over one partition; soft-deleted items are always filtered out. */
export function queryParams(tableName: string, spec: QuerySpec): QueryCommandInput {
  const attributes = new ExpressionAttributes()
  const keyNames = keyAttributes(spec.index)
  let keyCondition = `${attributes.name(keyNames.pk)} = ${attributes.value(spec.partitionKey)}`
  const sortKey = spec.sortKey
  if (sortKey && 'beginsWith' in sortKey) {
    keyCondition += ` AND begins_with(${attributes.name(keyNames.sk)}, ${attributes.value(sortKey.beginsWith)})`
  } else if (sortKey) {
    const [low, high] = sortKey.between
    keyCondition += ` AND ${attributes.name(keyNames.sk)} BETWEEN ${attributes.value(low)} AND ${attributes.value(high)}`
  }
  const filter = spec.filter ? and(notExists('deletedUtc'), spec.filter) : notExists('deletedUtc')
  const filterExpression = compileFilter(filter, attributes)
  const projection = spec.fields?.map((field) => attributes.path(field)).join(', ')
  const { ExpressionAttributeNames, ExpressionAttributeValues } = attributes.toParams()
  return {
    TableName: tableName,
    ...(spec.index === 'primary' ? {} : { IndexName: spec.index }),
    KeyConditionExpression: keyCondition,
    FilterExpression: filterExpression,
    ...(projection ? { ProjectionExpression: projection } : {}),
    ScanIndexForward: spec.ascending ?? true,
    ExpressionAttributeNames,
    ExpressionAttributeValues,
  }
}

/** A put that happens only while `condition` holds for the stored item (absent attributes fail `eq`). */
export function conditionalPutParams(tableName: string, item: Item, condition: Filter): PutCommandInput {
  const attributes = new ExpressionAttributes()
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression: compileFilter(condition, attributes),
    ...attributes.toParams(),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  }
}

/** A delete that happens only while `condition` holds for the stored item. */
export function conditionalDeleteParams(
  tableName: string,
  key: PrimaryKey,
  condition: Filter,
): DeleteCommandInput {
  const attributes = new ExpressionAttributes()
  return {
    TableName: tableName,
    Key: key,
    ConditionExpression: compileFilter(condition, attributes),
    ...attributes.toParams(),
  }
}
