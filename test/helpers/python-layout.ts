// Items as the Python services (boto3-assist) store them, in a table of their own: `pk` = `sk` =
// `group#<id>`, three indexes without a tenant prefix, snake_case attributes, Python ISO dates, ids
// that are not ULIDs and no `version`. The keys are built as the Python key builder does (buildKey
// reproduces it).
import { randomUUID } from 'node:crypto'
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  type DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb'
import { marshall } from '@aws-sdk/util-dynamodb'
import { ulid } from 'ulid'
import { buildKey } from '../../src/models/index.js'

type Item = Record<string, unknown>

/** A new table with Python's layout: pk/sk and gsi1…gsi3, every attribute projected. */
export async function createPythonTable(client: DynamoDBClient): Promise<string> {
  const tableName = `python-${ulid().toLowerCase()}`
  const names = ['pk', 'sk', 'gsi1_pk', 'gsi1_sk', 'gsi2_pk', 'gsi2_sk', 'gsi3_pk', 'gsi3_sk']
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: names.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [1, 2, 3].map((n) => ({
        IndexName: `gsi${n}`,
        KeySchema: [
          { AttributeName: `gsi${n}_pk`, KeyType: 'HASH' },
          { AttributeName: `gsi${n}_sk`, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  )
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: tableName })
  return tableName
}

/** Stores the items as they are (NULL attributes included), 25 to a batch, four batches at a time. */
export async function putPythonItems(client: DynamoDBClient, tableName: string, items: readonly Item[]) {
  const batches: Item[][] = []
  for (let start = 0; start < items.length; start += 25) batches.push(items.slice(start, start + 25))
  const put = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let requests = batch.map((item) => ({
        PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) },
      }))
      while (requests.length > 0) {
        const output = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
        )
        requests = (output.UnprocessedItems?.[tableName] ?? []) as typeof requests
      }
    }
  }
  await Promise.all([put(), put(), put(), put()])
}

/**
 * Python's datetime.isoformat() of an instant given in unix microseconds, at an offset in minutes:
 * `2024-01-15T09:50:00.123456+00:00`, without the fraction when the microseconds are 0.
 */
export function pythonIso(unixMicros: number, offsetMinutes = 0): string {
  const micros = ((unixMicros % 1_000_000) + 1_000_000) % 1_000_000
  const local = new Date((unixMicros - micros) / 1000 + offsetMinutes * 60_000)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0')
  const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0')
  const fraction = micros === 0 ? '' : `.${String(micros).padStart(6, '0')}`
  return `${local.toISOString().slice(0, 19)}${fraction}${sign}${hours}:${minutes}`
}

/** An id as the Python services make them: `<unix seconds>-<microseconds>-<uuid1>`. */
export function pythonId(unixMicros: number): string {
  const seconds = Math.floor(unixMicros / 1_000_000)
  const micros = String(unixMicros % 1_000_000).padStart(6, '0')
  const uuid = randomUUID().split('-')
  return `${seconds}-${micros}-${uuid[0]}-${uuid[1]}-11ee-8000-${uuid[4]}`
}

export interface PythonGroupFields {
  id: string
  tenantId?: string | null
  userId: string
  name: unknown
  groupType: string
  description?: string | null
  icon?: string | null
  color?: unknown
  privacySettings?: Record<string, unknown>
  /** Unix microseconds of creation, and the offset the service wrote it at. */
  createdMicros: number
  offsetMinutes?: number
  updatedMicros?: number
  deletedUtc?: string | null
}

/** A group item exactly as a Python service writes it. */
export function pythonGroup(fields: PythonGroupFields): Item {
  const created = pythonIso(fields.createdMicros, fields.offsetMinutes)
  const updated = pythonIso(fields.updatedMicros ?? fields.createdMicros, fields.offsetMinutes)
  const tenant = fields.tenantId ?? undefined
  const name = fields.name as string
  return {
    pk: buildKey(['group', fields.id]),
    sk: buildKey(['group', fields.id]),
    gsi1_pk: buildKey(['group', ''], ['user', fields.userId], ['type', fields.groupType]),
    gsi1_sk: buildKey(['name', name]),
    gsi2_pk: buildKey(['group', ''], ['tenant', tenant], ['type', fields.groupType]),
    gsi2_sk: buildKey(['name', name]),
    gsi3_pk: buildKey(['group', ''], ['tenant', tenant]),
    gsi3_sk: buildKey(['created', Math.floor(fields.createdMicros / 1_000_000)]),
    id: fields.id,
    ...(fields.tenantId === undefined ? {} : { tenant_id: fields.tenantId }),
    user_id: fields.userId,
    name: fields.name,
    description: fields.description ?? null,
    group_type: fields.groupType,
    icon: fields.icon ?? null,
    color: fields.color ?? null,
    privacy_settings: fields.privacySettings ?? { visibility: 'private' },
    model_name: 'group',
    model_version: 'v1',
    created_utc: created,
    updated_utc: updated,
    deleted_utc: fields.deletedUtc ?? null,
  }
}
