import t from 'tap'
import { loadConfig } from '../../src/config/config.js'
import { SCRIPT_REQUEST_TIMEOUT_MS, scriptClientSettings, wholeNumber } from '../../src/ops/script-context.js'

t.test('scripts give a DynamoDB call at least 30 s; a longer setting wins', async (t) => {
  const server = loadConfig({})
  t.equal(scriptClientSettings(server).requestTimeoutMs, SCRIPT_REQUEST_TIMEOUT_MS)
  t.equal(scriptClientSettings(server).tableName, server.dynamodb.tableName, 'the rest is the same')
  const patient = loadConfig({ DYNAMODB_REQUEST_TIMEOUT_MS: '90000' })
  t.equal(scriptClientSettings(patient).requestTimeoutMs, 90_000)
})

t.test('a whole-number option names itself when it is not one', async (t) => {
  const segments = wholeNumber('--segments', 1, 100)
  t.equal(segments('8'), 8)
  for (const bad of ['0', '101', '1.5', '-1', 'eight', ''])
    t.throws(() => segments(bad), { message: '--segments must be a whole number from 1 to 100' })
})
