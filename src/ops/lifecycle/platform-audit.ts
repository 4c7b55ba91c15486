// The platform's own audit log: what operators did to whole tenants (a purge), kept under
// `platform#audit`, outside every tenant's keys (so a tenant's purge cannot take it, and a
// tenant-confined role cannot read it). Unlike a tenant's log, it names the operator.
import { type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb'
import { ulid } from 'ulid'
import { fromWire, toWire } from '../../db/wire.js'
import { withBackoff } from '../migrate/write.js'
import type { WireKey } from '../parallel-scan.js'
import { DELETE_BACKOFF } from './conditional-delete.js'

export const PLATFORM_AUDIT_PARTITION = 'platform#audit'
export const PLATFORM_AUDIT_MODEL = 'platform_audit_entry'

export interface PlatformAuditEntry {
  id: string
  action: 'tenant_purge'
  entityType: 'tenant'
  entityId: string
  /** The operator: `--actor`, or the OS user who ran the script. */
  actor: string
  timestamp: string
  details: Record<string, unknown>
}

export async function writePlatformAudit(
  client: DynamoDBClient,
  tableName: string,
  entry: Omit<PlatformAuditEntry, 'id'>,
): Promise<PlatformAuditEntry> {
  const id = ulid()
  const item = {
    pk: PLATFORM_AUDIT_PARTITION,
    sk: `ts#${entry.timestamp}#id#${id}`,
    model_name: PLATFORM_AUDIT_MODEL,
    id,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    actor: entry.actor,
    timestamp: entry.timestamp,
    created_utc: entry.timestamp,
    details: entry.details,
  }
  await withBackoff(DELETE_BACKOFF, () =>
    client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: toWire(item),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  )
  return { id, ...entry }
}

/** The platform's audit entries, oldest first. */
export async function platformAuditEntries(
  client: DynamoDBClient,
  tableName: string,
): Promise<PlatformAuditEntry[]> {
  const entries: PlatformAuditEntry[] = []
  let startKey: WireKey | undefined
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: PLATFORM_AUDIT_PARTITION } },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    )
    for (const wire of page.Items ?? []) {
      const item = fromWire(wire)
      entries.push({
        id: String(item.id),
        action: item.action as PlatformAuditEntry['action'],
        entityType: item.entity_type as PlatformAuditEntry['entityType'],
        entityId: String(item.entity_id),
        actor: String(item.actor),
        timestamp: String(item.timestamp),
        details: item.details as Record<string, unknown>,
      })
    }
    startKey = page.LastEvaluatedKey
  } while (startKey)
  return entries
}
