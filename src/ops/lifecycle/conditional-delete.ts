// Deleting an item only while it is still the very item that was archived or exported: same key,
// and the same `id`, `created_utc`, `version` and `updated_utc` (an attribute absent then must
// still be absent). An item changed or recreated since is kept, so nothing is deleted that the
// archive or export does not hold.
import { DeleteItemCommand, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import type { BackoffOptions } from '../../db/backoff.js'
import { isConditionalCheckFailed } from '../../db/sdk-errors.js'
import { withBackoff } from '../migrate/write.js'
import type { WireItem } from '../parallel-scan.js'

/** `deleted`; `changed`: changed (or recreated) since it was copied, so kept; `gone`: already deleted. */
export type DeleteOutcome = 'deleted' | 'changed' | 'gone'

const SAME_ITEM = ['id', 'created_utc', 'version', 'updated_utc'] as const

export const DELETE_BACKOFF: BackoffOptions = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 10_000 }

export function conditionalDelete(tableName: string, copy: WireItem) {
  const names: Record<string, string> = { '#pk': 'pk' }
  const values: WireItem = {}
  const terms = ['attribute_exists(#pk)']
  SAME_ITEM.forEach((attribute, n) => {
    names[`#a${n}`] = attribute
    const value = copy[attribute]
    if (value === undefined) {
      terms.push(`attribute_not_exists(#a${n})`)
      return
    }
    values[`:a${n}`] = value
    terms.push(`#a${n} = :a${n}`)
  })
  return {
    TableName: tableName,
    Key: { pk: copy.pk as WireItem[string], sk: copy.sk as WireItem[string] },
    ConditionExpression: terms.join(' AND '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  }
}

/** Deletes the item if it is still `copy`; a throttle or outage that outlasts the backoff is thrown. */
export async function deleteIfUnchanged(
  client: DynamoDBClient,
  tableName: string,
  copy: WireItem,
  backoff: BackoffOptions = DELETE_BACKOFF,
): Promise<DeleteOutcome> {
  try {
    await withBackoff(backoff, () => client.send(new DeleteItemCommand(conditionalDelete(tableName, copy))))
    return 'deleted'
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error
    if (error.Item) return 'changed'
  }
  // Not every DynamoDB returns the item with the failure: look.
  const { Item } = await withBackoff(backoff, () =>
    client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: copy.pk as WireItem[string], sk: copy.sk as WireItem[string] },
        ConsistentRead: true,
      }),
    ),
  )
  return Item ? 'changed' : 'gone'
}
