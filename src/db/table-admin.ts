import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb'
import type { TableDefinition } from '../models/index.js'

/**
 * Creates the table from its definition (see ALL_MODELS in src/resources) unless it exists; safe to
 * run any number of times.
 */
export async function ensureTable(
  client: DynamoDBClient,
  definition: TableDefinition,
): Promise<'created' | 'exists'> {
  const tableName = definition.createTable.TableName as string
  if (await tableExists(client, tableName)) return 'exists'
  try {
    await client.send(new CreateTableCommand(definition.createTable))
  } catch (error) {
    // Another process created it between our check and our create.
    if (error instanceof ResourceInUseException) return 'exists'
    throw error
  }
  await waitUntilTableExists({ client, maxWaitTime: 120, minDelay: 1 }, { TableName: tableName })
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
    }),
  )
  return 'created'
}

export async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }))
    return true
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false
    throw error
  }
}
