// The migration runner as a process of its own, with the groups' test history, for tests that kill
// it: `node --import tsx test/helpers/migrate-child.ts` with DYNAMODB_ENDPOINT, APP_TABLE_NAME and
// MIGRATE_WRITE_LOG, a file each item write is appended to (its key) once DynamoDB acknowledged it;
// MIGRATE_LEASE_MS shortens the run's lease (what a runner started after a kill may wait for).
// It prints the runner's messages, then its summary as one JSON line.
import { appendFileSync } from 'node:fs'
import { loadConfig } from '../../src/config/config.js'
import { createDynamoDbClient } from '../../src/db/dynamodb-client.js'
import { runMigration } from '../../src/ops/migrate/index.js'
import { VERSIONED_MODELS } from './migration.js'

const config = loadConfig(process.env)
const client = createDynamoDbClient(config.dynamodb)
const writeLog = process.env.MIGRATE_WRITE_LOG as string
client.middlewareStack.add(
  (next) => async (args) => {
    const result = await next(args)
    const pk = (args.input as { Item?: Record<string, { S?: string }> }).Item?.pk?.S
    if (pk?.startsWith('tenant#')) appendFileSync(writeLog, `${pk}\n`)
    return result
  },
  { step: 'initialize', name: 'writeLog' },
)
try {
  const summary = await runMigration({
    client,
    tableName: config.dynamodb.tableName,
    models: VERSIONED_MODELS,
    segments: 4,
    pageSize: 50,
    print: (line) => console.log(line),
    ...(process.env.MIGRATE_LEASE_MS ? { leaseMs: Number(process.env.MIGRATE_LEASE_MS) } : {}),
  })
  console.log(JSON.stringify(summary))
} finally {
  client.destroy()
}
