// DynamoDB's health, seen from this process: the table exists and is ACTIVE (control plane), and
// an item read answers (data plane, the path every request takes).
import { DescribeTableCommand, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import { keyAttributes } from '../models/index.js'
import type { HealthCheck } from './health.js'

/**
 * The read probe's key. It holds no item (a miss is a fine answer) and is no tenant's key, so a
 * tenant-confined IAM role needs one extra GetItem grant for it (see deploy/iam).
 */
export const HEALTH_PROBE_KEY = { pk: 'health#probe', sk: 'health#probe' } as const

const primary = keyAttributes('primary')

/** ACTIVE is healthy; UPDATING (e.g. an index being added) still serves, so it is only degraded. */
export function tableStatusCheck(client: DynamoDBClient, tableName: string): HealthCheck {
  return {
    name: 'dynamodb-table',
    critical: true,
    probe: async (abortSignal) => {
      const output = await client.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal })
      const status = output.Table?.TableStatus
      if (status === 'ACTIVE') return { status: 'healthy' }
      return { status: status === 'UPDATING' ? 'degraded' : 'unhealthy', detail: `table is ${status}` }
    },
  }
}

/** A GetItem of the probe key: proves reads reach the table's partitions. */
export function readProbeCheck(client: DynamoDBClient, tableName: string): HealthCheck {
  return {
    name: 'dynamodb-read',
    critical: true,
    probe: async (abortSignal) => {
      await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { [primary.pk]: { S: HEALTH_PROBE_KEY.pk }, [primary.sk]: { S: HEALTH_PROBE_KEY.sk } },
          ProjectionExpression: primary.pk,
        }),
        { abortSignal },
      )
      return { status: 'healthy' }
    },
  }
}
