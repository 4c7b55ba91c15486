// `npm test`: starts one in-memory DynamoDB Local for the whole run, runs tap over test/ (each test
// file makes its own table), stops DynamoDB Local, and ends with `N passed, N failed` taken from
// tap's own closing summary. `npm test -- --redis` also starts one redis-server for the run, and
// every test instance runs with REDIS_URL: the suite must pass the same with it as without.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { TEST_ENDPOINT_VARIABLE } from '../test/helpers/dynamodb.js'
import { SHARED_REDIS_VARIABLE, startRunRedis } from '../test/helpers/redis.js'
import { projectRoot, startDynamoDbLocal } from './dynamodb-local.js'

const tapArguments = process.argv.slice(2).filter((argument) => argument !== '--redis')
const redis = process.argv.includes('--redis') ? await startRunRedis() : undefined
const local = await startDynamoDbLocal()
const tap = spawn(join(projectRoot, 'node_modules', '.bin', 'tap'), ['--reporter=tap', ...tapArguments], {
  cwd: projectRoot,
  env: {
    ...process.env,
    [TEST_ENDPOINT_VARIABLE]: local.endpoint,
    ...(redis ? { [SHARED_REDIS_VARIABLE]: redis.url } : {}),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
})

// tap closes with a line such as `# { total: 120, pass: 118, fail: 1, skip: 1 }`.
let summary: Record<string, number> | undefined
for await (const line of createInterface({ input: tap.stdout })) {
  console.log(line)
  const totals = /^# \{ (total: \d+.*) \}$/.exec(line)
  if (totals?.[1]) {
    summary = Object.fromEntries(
      totals[1].split(', ').map((entry) => {
        const [key, value] = entry.split(': ')
        return [key, Number(value)]
      }),
    )
  }
}
const exitCode: number =
  tap.exitCode ?? (await new Promise((resolve) => tap.on('close', (code) => resolve(code ?? 1))))
await local.stop()
await redis?.stop()

if (!summary) {
  console.log('0 passed, 1 failed (tap printed no summary)')
  process.exit(exitCode || 1)
}
const { pass = 0, fail = 0, skip = 0, todo = 0 } = summary
console.log(`${pass} passed, ${fail} failed${skip + todo > 0 ? `, ${skip + todo} skipped` : ''}`)
process.exit(exitCode)
