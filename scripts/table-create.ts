// `npm run table:create`: creates the table (from the models' definition) if it does not exist.
import { configFromProcess } from '../src/config/config.js'
import { createDynamoDbClient } from '../src/db/dynamodb-client.js'
import { ensureTable } from '../src/db/table-admin.js'

const config = configFromProcess()
const client = createDynamoDbClient(config.dynamodb)
try {
  const outcome = await ensureTable(client, config.dynamodb.tableName)
  console.log(`table ${config.dynamodb.tableName}: ${outcome}`)
} finally {
  client.destroy()
}
