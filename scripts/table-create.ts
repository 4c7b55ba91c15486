// `npm run table:create`: creates the table (from the models' definition) if it does not exist.
// `-- --wait-seconds 60` keeps retrying while DynamoDB is not reachable yet (docker compose starts
// this next to DynamoDB Local, which takes a few seconds to listen).
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { configFromProcess } from '../src/config/config.js'
import { createDynamoDbClient } from '../src/db/dynamodb-client.js'
import { ensureTable } from '../src/db/table-admin.js'
import { tableDefinition } from '../src/models/index.js'
import { ALL_MODELS } from '../src/resources/index.js'

const { values } = parseArgs({ options: { 'wait-seconds': { type: 'string', default: '0' } } })
const waitSeconds = Number(values['wait-seconds'])
if (!Number.isInteger(waitSeconds) || waitSeconds < 0) {
  console.error('--wait-seconds must be a whole number of seconds')
  process.exit(2)
}

const config = configFromProcess()
const client = createDynamoDbClient(config.dynamodb)
const deadline = Date.now() + waitSeconds * 1_000
try {
  for (;;) {
    try {
      const outcome = await ensureTable(client, tableDefinition(config.dynamodb.tableName, ALL_MODELS))
      console.log(`table ${config.dynamodb.tableName}: ${outcome}`)
      break
    } catch (error) {
      if (Date.now() >= deadline) throw error
      const { code, name } = error as { code?: string; name?: string }
      console.log(`DynamoDB not ready (${code ?? name}); retrying`)
      await sleep(1_000)
    }
  }
} finally {
  client.destroy()
}
