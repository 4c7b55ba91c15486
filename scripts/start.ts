// `npm start`: the development default. Without DYNAMODB_ENDPOINT (and outside production) it runs
// DynamoDB Local with data kept under .data/, creates the table if missing, then starts the server;
// stopping the server stops DynamoDB Local too.
import { join } from 'node:path'
import { ConfigError } from '../src/config/config.js'
import { configFromProcessAndSsm, type LoadedConfig } from '../src/config/ssm-config.js'
import { createDynamoDbClient } from '../src/db/dynamodb-client.js'
import { ensureTable } from '../src/db/table-admin.js'
import { tableDefinition } from '../src/models/index.js'
import { ALL_MODELS } from '../src/resources/index.js'
import { startServer } from '../src/server.js'
import { type DynamoDbLocal, projectRoot, startDynamoDbLocal } from './dynamodb-local.js'

async function main(): Promise<void> {
  let loaded: LoadedConfig
  let local: DynamoDbLocal | undefined
  try {
    loaded = await configFromProcessAndSsm()
    const { dynamodb, env } = loaded.config
    if (!dynamodb.endpoint && env !== 'production') {
      local = await startDynamoDbLocal({
        port: dynamodb.localPort,
        dataDir: join(projectRoot, '.data', 'dynamodb'),
      })
      console.log(`DynamoDB Local listening on ${local.endpoint} (data in .data/dynamodb)`)
      loaded = await configFromProcessAndSsm({ DYNAMODB_ENDPOINT: local.endpoint })
    }
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error)
    process.exit(1)
  }
  const { config } = loaded

  const client = createDynamoDbClient(config.dynamodb)
  try {
    const outcome = await ensureTable(client, tableDefinition(config.dynamodb.tableName, ALL_MODELS))
    console.log(`table ${config.dynamodb.tableName}: ${outcome}`)
  } finally {
    client.destroy()
  }
  await startServer(config, { ssm: loaded.ssm, onClosed: async () => await local?.stop() })
}

await main()
