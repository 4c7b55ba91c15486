// What interrupts an import: a stop half-way (Ctrl-C: the script context's signal) is finished by
// running it again; a throttled table is waited for.
import { Writable } from 'node:stream'
import t from 'tap'
import { instrumentClient } from '../../../src/db/call-metrics.js'
import { createDynamoDbClient } from '../../../src/db/dynamodb-client.js'
import { Metrics } from '../../../src/observability/metrics.js'
import { importPython } from '../../../src/ops/import-python/importer.js'
import { buildTestApp } from '../../helpers/app.js'
import { cancelledByThrottling, failAttempts, throttling } from '../../helpers/faults.js'
import { createPythonTable, putPythonItems } from '../../helpers/python-layout.js'
import { storedGroups } from '../../helpers/table.js'
import { pythonGroups, TENANTS } from './fixture.js'

const GROUPS = 120

t.test('a stopped import resumes by running again', async (t) => {
  const testApp = await buildTestApp(t)
  const client = createDynamoDbClient(testApp.config.dynamodb)
  t.teardown(() => client.destroy())
  const sourceTable = await createPythonTable(client)
  await putPythonItems(client, sourceTable, pythonGroups(GROUPS).items)
  t.testdir({})
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() })
  const run = (signal?: AbortSignal, clock?: () => Date) =>
    importPython({
      client,
      sourceTable,
      dynamodb: testApp.config.dynamodb,
      targetTable: testApp.tableName,
      segments: 2,
      pageSize: 10,
      rejectsPath: `${t.testdirName}/rejects.ndjson`,
      progressStream: sink,
      ...(signal ? { signal } : {}),
      ...(clock ? { clock } : {}),
    })

  // The writes of each page ask the clock once: the third page's asking stands for a Ctrl-C.
  const controller = new AbortController()
  let pages = 0
  const stopped = await run(controller.signal, () => {
    if (++pages === 3) controller.abort()
    return new Date()
  })
  t.equal(stopped.stopped, true)
  t.ok(stopped.read > 0 && stopped.read < GROUPS, `stopped after ${stopped.read} of ${GROUPS}`)
  t.equal(stopped.imported, stopped.read, 'what it read it imported')

  const finished = await run()
  t.match(finished, {
    stopped: false,
    read: GROUPS,
    alreadyImported: stopped.imported,
    rejected: 0,
    failed: 0,
  })
  t.equal(finished.imported, GROUPS - stopped.imported)
  let stored = 0
  for (const tenantId of TENANTS) stored += (await storedGroups(testApp, tenantId)).length
  t.equal(stored, GROUPS, 'every group once')
})

t.test('throttled transactions are retried with backoff until they are written', async (t) => {
  const testApp = await buildTestApp(t)
  const client = createDynamoDbClient(testApp.config.dynamodb)
  t.teardown(() => client.destroy())
  const sourceTable = await createPythonTable(client)
  await putPythonItems(client, sourceTable, pythonGroups(60).items)
  instrumentClient(client, new Metrics())
  // More throttled attempts in a row than the SDK makes of one call (DYNAMODB_MAX_ATTEMPTS, 3).
  const throttled = failAttempts(client, { operation: 'TransactWriteItems', attempts: 5, error: throttling })
  const cancelled = failAttempts(client, {
    operation: 'TransactWriteItems',
    attempts: 2,
    error: cancelledByThrottling,
  })
  t.testdir({})
  const summary = await importPython({
    client,
    dynamodb: testApp.config.dynamodb,
    sourceTable,
    targetTable: testApp.tableName,
    segments: 1,
    rejectsPath: `${t.testdirName}/rejects.ndjson`,
    progressStream: new Writable({ write: (_chunk, _encoding, done) => done() }),
  })
  t.equal(throttled.failed() + cancelled.failed(), 7, 'every fault was met')
  t.match(summary, { read: 60, imported: 60, alreadyImported: 0, failed: 0 })
  let stored = 0
  for (const tenantId of TENANTS) stored += (await storedGroups(testApp, tenantId)).length
  t.equal(stored, 60)
})
