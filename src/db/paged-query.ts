// One page of a query over a tenant's partition, with an authenticated cursor to the next: a filtered
// query may come back short, so it is re-issued (a few times at most) to fill the page.
import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb'
import { fromItem, keyAttributes, layoutOf, type Model, type ModelClass } from '../models/index.js'
import { type CursorCodec, invalidCursor, type LastEvaluatedKey } from './cursor.js'
import { assertKnownFields, normaliseProjection } from './fields.js'
import { fieldsOf } from './filter.js'
import { type QuerySpec, queryParams } from './params.js'
import { sendMapped } from './sdk-errors.js'
import { assertTenantKey, usageTagOf } from './tenant-scope.js'
import { withUsageTag } from './usage-tag.js'
import { fromWire, queryInput } from './wire.js'

export interface QueryRequest extends QuerySpec {
  limit: number
  cursor?: string | undefined
}

export interface Page<M> {
  items: M[]
  nextCursor: string | null
}

const MAX_QUERY_ROUNDS = 5

export async function queryPage<M extends Model>(
  client: DynamoDBClient,
  tableName: string,
  cursors: CursorCodec,
  modelClass: ModelClass<M>,
  tenantId: string,
  request: QueryRequest,
): Promise<Page<M>> {
  assertTenantKey(request.partitionKey, tenantId)
  const layout = layoutOf(modelClass)
  if (request.fields) {
    assertKnownFields(layout, request.fields, 'fields')
    // An old item is upcast from whole: a projection of today's names could miss what the steps read.
    const { fields, ...rest } = request
    request = layout.upcasters.length > 0 ? rest : { ...rest, fields: normaliseProjection(fields) }
  }
  if (request.filter) assertKnownFields(layout, fieldsOf(request.filter), 'filter')
  const binding = { tenantId, query: fingerprint(request) }
  let startKey = request.cursor ? cursors.decode(request.cursor, binding) : undefined
  if (startKey && startKey[keyAttributes(request.index).pk] !== request.partitionKey) throw invalidCursor()

  const params = queryParams(tableName, request)
  const usage = usageTagOf(tenantId, layout.modelName)
  const items: M[] = []
  for (let round = 0; round < MAX_QUERY_ROUNDS && items.length < request.limit; round++) {
    const limit = request.limit - items.length
    const output = await sendMapped(() =>
      client.send(
        new QueryCommand(
          withUsageTag(queryInput({ ...params, Limit: limit, ExclusiveStartKey: startKey }), usage),
        ),
      ),
    )
    for (const item of output.Items ?? []) items.push(fromItem(modelClass, fromWire(item)))
    startKey = output.LastEvaluatedKey && (fromWire(output.LastEvaluatedKey) as LastEvaluatedKey)
    if (!startKey) break
  }
  return { items, nextCursor: startKey ? cursors.encode(startKey, binding) : null }
}

/** What a cursor is bound to: it is refused for any other query. */
function fingerprint(request: QuerySpec): string {
  return JSON.stringify([
    request.index,
    request.partitionKey,
    request.sortKey ?? null,
    request.ascending ?? true,
    request.filter ?? null,
  ])
}
