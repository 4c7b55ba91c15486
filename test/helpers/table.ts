// Raw reads of a test app's table, to check what is really stored (not what the API says).
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import type { TestApp } from './app.js'

type Item = Record<string, unknown>
type Table = Pick<TestApp, 'document' | 'tableName'>

/** Every item of the table, all pages, read consistently. */
export async function scanTable({ document, tableName }: Table): Promise<Item[]> {
  const items: Item[] = []
  let ExclusiveStartKey: Item | undefined
  do {
    const page = await document.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey }),
    )
    items.push(...(page.Items ?? []))
    ExclusiveStartKey = page.LastEvaluatedKey
  } while (ExclusiveStartKey)
  return items
}

/** Every item of one partition of the table (no index) or of an index, all pages. */
export async function queryAll(app: Table, index: string | undefined, pkName: string, pk: string) {
  const items: Item[] = []
  let ExclusiveStartKey: Item | undefined
  do {
    const page = await app.document.send(
      new QueryCommand({
        TableName: app.tableName,
        ConsistentRead: index === undefined,
        ...(index ? { IndexName: index } : {}),
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': pkName },
        ExpressionAttributeValues: { ':pk': pk },
        ExclusiveStartKey,
      }),
    )
    items.push(...(page.Items ?? []))
    ExclusiveStartKey = page.LastEvaluatedKey
  } while (ExclusiveStartKey)
  return items
}

/** The tenant's live groups (gsi3 holds one entry per live group). */
export const storedGroups = (app: Table, tenantId: string) =>
  queryAll(app, 'gsi3', 'gsi3_pk', `tenant#${tenantId}#group`)

/** The tenant's audit log. */
export const storedAudit = (app: Table, tenantId: string) =>
  queryAll(app, 'gsi1', 'gsi1_pk', `tenant#${tenantId}#audit`)
