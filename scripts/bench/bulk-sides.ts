// What `bench:import` needs besides the raw writes: posting to the app over kept-alive sockets,
// running tasks with a bound in flight, counting a tenant's groups, and checking that the raw side
// writes the very items the app writes.
import { ok } from 'node:assert/strict'
import http from 'node:http'
import { type DynamoDBClient, QueryCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb'
import { fromWire } from '../../src/db/wire.js'
import { AuditEntry, Group, keyOf, layoutOf } from '../../src/models/index.js'

const REQUEST_TIMEOUT_MS = 120_000

export interface AppClient {
  /** POSTs `body` as JSON; resolves with the parsed answer, rejects unless it has `expectedStatus`. */
  post(path: string, headers: Record<string, string>, body: unknown, expectedStatus: number): Promise<unknown>
  close(): void
}

/** An HTTP client of the app with up to `sockets` kept-alive connections (cheaper than fetch). */
export function appClient(baseUrl: string, sockets: number): AppClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets })
  const post = (path: string, headers: Record<string, string>, body: unknown, expectedStatus: number) =>
    new Promise<unknown>((resolve, reject) => {
      const payload = JSON.stringify(body)
      const request = http.request(
        `${baseUrl}${path}`,
        {
          method: 'POST',
          agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            'user-agent': 'node',
          },
        },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('error', reject)
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            if (response.statusCode !== expectedStatus)
              reject(new Error(`POST ${path} answered ${response.statusCode}: ${text.slice(0, 500)}`))
            else resolve(JSON.parse(text))
          })
        },
      )
      request.on('timeout', () => request.destroy(new Error(`POST ${path} timed out`)))
      request.on('error', reject)
      request.end(payload)
    })
  return { post, close: () => agent.destroy() }
}

/** Runs task(0..count-1) with at most `concurrency` in flight; the first failure stops the rest. */
export async function boundedAll(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0
  let failure: unknown
  const worker = async () => {
    while (failure === undefined && next < count) {
      const index = next++
      try {
        await task(index)
      } catch (error) {
        failure ??= error
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  if (failure !== undefined) throw failure
}

/**
 * Counts a tenant's groups with a paginated COUNT query on gsi3 (a tenant's groups by creation
 * time); the filter keeps any other model that might share the partition out of the count.
 */
export async function countGroups(client: DynamoDBClient, tableName: string, tenantId: string) {
  const { pk } = keyOf(Group, 'gsi3', { tenantId })
  let count = 0
  let startKey: QueryCommand['input']['ExclusiveStartKey']
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: '#pk = :pk',
        FilterExpression: '#model = :model',
        ExpressionAttributeNames: { '#pk': 'gsi3_pk', '#model': 'model_name' },
        ExpressionAttributeValues: { ':pk': { S: pk }, ':model': { S: layoutOf(Group).modelName } },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    )
    count += page.Count ?? 0
    startKey = page.LastEvaluatedKey
  } while (startKey)
  return count
}

/**
 * Checks that a raw create (a group's Put, then its audit entry's) writes what the app wrote for
 * the same body: the same attributes with the same values, but for those that differ by nature
 * (ids, keys holding them, times, the tenant).
 */
export async function assertSameItems(
  client: DynamoDBClient,
  tableName: string,
  appTenant: string,
  appGroupId: string,
  raw: readonly TransactWriteItem[],
): Promise<void> {
  const stored = async (index: 'gsi3' | 'primary', pk: string) =>
    (
      await client.send(
        new QueryCommand({
          TableName: tableName,
          ...(index === 'primary' ? {} : { IndexName: index }),
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index === 'primary' ? 'pk' : `${index}_pk` },
          ExpressionAttributeValues: { ':pk': { S: pk } },
        }),
      )
    ).Items ?? []
  const groups = await stored('gsi3', keyOf(Group, 'gsi3', { tenantId: appTenant }).pk)
  const group = groups.map(fromWire).find((item) => item.id === appGroupId)
  const { pk } = keyOf(AuditEntry, 'primary', {
    tenantId: appTenant,
    entityType: 'group',
    entityId: appGroupId,
  })
  const [audit] = (await stored('primary', pk)).map(fromWire)
  ok(group && audit, 'the app should have written the group and its audit entry')
  const [rawGroup, rawAudit] = raw.map((action) => fromWire(action.Put?.Item ?? {}))
  for (const [what, app, mine] of [
    ['group', group, rawGroup],
    ['audit entry', audit, rawAudit],
  ] as const) {
    const shape = (item: Record<string, unknown> | undefined) =>
      JSON.stringify(
        Object.keys(item ?? {})
          .sort()
          .map((name) => [name, VARYING.test(name) ? typeof item?.[name] : item?.[name]]),
      )
    ok(shape(app) === shape(mine), `the raw ${what} differs from the app's:\n${shape(app)}\n${shape(mine)}`)
  }
}

/** Attributes that differ between two writes of the same body: ids, keys, times, tenant, changes. */
const VARYING = /(^|_)(pk|sk|id|utc|tenant_id|timestamp|new_values)$/
