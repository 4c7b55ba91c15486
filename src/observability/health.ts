import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'

export type CheckStatus = 'healthy' | 'unhealthy'

export interface CheckResult {
  name: string
  status: CheckStatus
  durationMs: number
  detail?: string
}

const PROBE_TIMEOUT_MS = 2_000

/** Healthy when the table answers DescribeTable as ACTIVE within the timeout. */
export async function checkTable(client: DynamoDBClient, tableName: string): Promise<CheckResult> {
  const started = performance.now()
  const result = (status: CheckStatus, detail?: string): CheckResult => ({
    name: 'dynamodb',
    status,
    durationMs: Math.round(performance.now() - started),
    ...(detail ? { detail } : {}),
  })
  try {
    const output = await client.send(new DescribeTableCommand({ TableName: tableName }), {
      abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    })
    const tableStatus = output.Table?.TableStatus
    return tableStatus === 'ACTIVE' ? result('healthy') : result('unhealthy', `table is ${tableStatus}`)
  } catch (error) {
    return result('unhealthy', (error as Error).name || 'unreachable')
  }
}
