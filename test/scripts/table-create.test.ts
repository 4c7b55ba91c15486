import { createServer } from 'node:net'
import t from 'tap'
import { ulid } from 'ulid'
import { testDynamoDbEndpoint } from '../helpers/dynamodb.js'
import { startScript } from '../helpers/script-run.js'
import { startSlowProxy } from '../helpers/slow-proxy.js'

function tableCreate(endpoint: string, tableName: string, args: string[]) {
  const script = startScript('table-create', args, { endpoint, tableName })
  return { exited: script.exited.then(({ code }) => code), output: script.output }
}

/** A loopback port with nothing listening on it yet. */
async function unusedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

t.test('--wait-seconds waits for DynamoDB to come up, then creates the table', async (t) => {
  const upstream = await testDynamoDbEndpoint()
  const port = await unusedPort()
  const tableName = `test-${ulid().toLowerCase()}`
  const run = tableCreate(`http://127.0.0.1:${port}`, tableName, ['--wait-seconds', '30'])
  // DynamoDB "starts" 1.5 s later: a proxy to DynamoDB Local begins listening on that port.
  await new Promise((resolve) => setTimeout(resolve, 1_500))
  const proxy = await startSlowProxy(upstream, 0, port)
  t.teardown(() => proxy.close())
  t.equal(await run.exited, 0, run.output())
  t.match(run.output(), /not ready \(.+\); retrying/)
  t.match(run.output(), new RegExp(`table ${tableName}: created`))
  t.ok(proxy.calls.includes('CreateTable'))
})

t.test('without --wait-seconds an unreachable DynamoDB fails at once', async (t) => {
  const port = await unusedPort()
  const run = tableCreate(`http://127.0.0.1:${port}`, 'never-created', [])
  const started = performance.now()
  t.not(await run.exited, 0)
  t.ok(performance.now() - started < 15_000)
  t.notMatch(run.output(), /retrying/)
})
