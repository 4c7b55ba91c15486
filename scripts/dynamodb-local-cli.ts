// `npm run dynamodb:local`: runs DynamoDB Local in memory on DYNAMODB_LOCAL_PORT (default 8000)
// until interrupted; `-- --fetch-only` just fetches and verifies it (CI does this up front).
import { parseArgs } from 'node:util'
import { configFromProcess } from '../src/config/config.js'
import { ensureEmulator, startDynamoDbLocal } from './dynamodb-local.js'

const { values } = parseArgs({ options: { 'fetch-only': { type: 'boolean', default: false } } })

if (values['fetch-only']) {
  console.log(`DynamoDB Local ready in ${await ensureEmulator()}`)
} else {
  const local = await startDynamoDbLocal({ port: configFromProcess().dynamodb.localPort })
  console.log(`DynamoDB Local (in memory) listening on ${local.endpoint}; Ctrl-C stops it`)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void local.stop().then(() => process.exit(0)))
  }
}
