import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/config/config.js'
import { createDynamoDbClient } from '../../src/db/dynamodb-client.js'
import { createTestTable } from '../helpers/dynamodb.js'
import { createPythonTable, putPythonItems, pythonGroup } from '../helpers/python-layout.js'
import { startScript } from '../helpers/script-run.js'

async function importScript(endpoint: string, tableName: string, args: string[]) {
  const { code, stdout, stderr } = await startScript('import-python', args, { endpoint, tableName }).exited
  return { code, stdout, stderr }
}

t.test('npm run migrate:import-python', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const client = createDynamoDbClient(loadConfig({ DYNAMODB_ENDPOINT: endpoint }).dynamodb)
  t.teardown(() => client.destroy())
  const sourceTable = await createPythonTable(client)
  const group = (n: number, name = `Group ${n}`) =>
    pythonGroup({
      id: `g-${n}`,
      tenantId: 'acme',
      userId: 'alice',
      name,
      groupType: 'team',
      createdMicros: 1e15 + n,
    })
  await putPythonItems(client, sourceTable, [group(1), group(2), group(3, 'n'.repeat(201))])
  const dir = t.testdir({})
  const rejects = join(dir, 'rejects.ndjson')
  const args = ['--source-table', sourceTable, '--segments', '2', '--rejects', rejects]

  const dry = await importScript(endpoint, tableName, [...args, '--dry-run'])
  t.equal(dry.code, 0, dry.stderr)
  t.match(
    dry.stdout,
    /dry run \(nothing written\): read 3\n {2}would import 2\n {2}already imported 0\n {2}rejected 1 \(invalid value 1\)/,
  )

  const first = await importScript(endpoint, tableName, args)
  t.equal(first.code, 0, first.stderr)
  t.match(
    first.stdout,
    new RegExp(
      `${sourceTable} → ${tableName}: read 3\\n {2}imported 2\\n {2}already imported 0\\n {2}rejected 1`,
    ),
  )
  t.match(first.stdout, `rejected items: ${rejects}`)
  const [line] = (await readFile(rejects, 'utf8')).trim().split('\n')
  t.match(JSON.parse(line as string), { key: { pk: 'group#g-3', sk: 'group#g-3' }, reason: 'invalid value' })

  const again = await importScript(endpoint, tableName, args)
  t.equal(again.code, 0, again.stderr)
  t.match(again.stdout, /imported 0\n {2}already imported 2\n {2}rejected 1/)

  const same = await importScript(endpoint, tableName, ['--source-table', tableName])
  t.equal(same.code, 1)
  t.match(same.stderr, 'the source and target tables are the same')

  const missing = await importScript(endpoint, tableName, [
    '--source-table',
    'no-such-table',
    '--rejects',
    rejects,
  ])
  t.equal(missing.code, 1)
  t.match(missing.stderr, /import-python: .*(not found|non-existent)/i)

  const usage = await importScript(endpoint, tableName, ['--segments', '0'])
  t.not(usage.code, 0)
  t.match(usage.stderr, /--segments must be a whole number|required option/)
})
