import Fastify from 'fastify'
import t from 'tap'
import { loadConfig } from '../../src/config/config.js'
import { createLogger, loggerOptions, REDACTION_CENSOR } from '../../src/observability/logger.js'
import { captureLogs } from '../helpers/log-capture.js'

function appLogging(env: Record<string, string>) {
  const capture = captureLogs()
  const app = Fastify({ loggerInstance: createLogger(loadConfig(env), capture.stream) })
  return { log: app.log, capture }
}

t.test('lines are JSON with a level name and an ISO time', async (t) => {
  const { log, capture } = appLogging({
    NODE_ENV: 'production',
    JWT_SECRET: 'x'.repeat(32),
    CURSOR_SECRET: 'y'.repeat(32),
    KMS_KEY_ID: 'alias/test',
    BLIND_INDEX_KEY: 'z'.repeat(32),
  })
  log.info({ groupId: 'g1' }, 'group created')
  const [line] = capture.lines()
  t.match(line, { level: 'info', msg: 'group created', groupId: 'g1' })
  t.match(line?.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  t.equal(capture.text().split('\n').filter(Boolean).length, 1, 'one line per entry')
})

t.test('the level comes from LOG_LEVEL', async (t) => {
  const { log, capture } = appLogging({ NODE_ENV: 'test', LOG_LEVEL: 'warn' })
  log.info('hidden')
  log.warn('shown')
  t.strictSame(
    capture.lines().map((line) => line.msg),
    ['shown'],
  )
})

t.test('human-readable output in development only', async (t) => {
  const development = loggerOptions(loadConfig({ NODE_ENV: 'development' }))
  t.match(development, { transport: { target: 'pino-pretty' } })
  for (const env of ['test', 'production'] as const) {
    const options = loggerOptions({ env, logLevel: 'info' })
    t.notOk(options && 'transport' in options, `${env}: JSON lines`)
  }
  const captured = loggerOptions({ env: 'development', logLevel: 'info' }, captureLogs().stream)
  t.notOk(captured && 'transport' in captured, 'a given stream gets JSON lines, even in development')
})

t.test('authorization, cookies and personal fields are redacted wherever they are logged', async (t) => {
  const { log, capture } = appLogging({ NODE_ENV: 'test' })
  const token = 'Bearer eyJhbGciOiJIUzI1NiJ9.secret-payload.signature'
  log.info(
    {
      request: { headers: { authorization: token, cookie: 'session=cookie-value', host: 'api.example' } },
      response: { headers: { 'set-cookie': 'session=set-cookie-value' } },
      email: 'top@example.com',
      user: { email: 'nested@example.com', phone: '+15550001', name: 'Alice' },
      body: { profile: { phone: '+15550002' } },
      audit: { newValues: { contact: { email: 'deep@example.com' } } },
    },
    'something happened',
  )
  log.info({ headers: { Authorization: token, authorization: token } }, 'raw headers')
  log.info({ authorization: token, cookie: 'session=bare-cookie' }, 'bare fields')

  const text = capture.text()
  for (const secret of [
    'secret-payload',
    'cookie-value',
    'set-cookie-value',
    'bare-cookie',
    'top@example.com',
    'nested@example.com',
    'deep@example.com',
    '+15550001',
    '+15550002',
  ]) {
    t.notOk(text.includes(secret), `${secret} is not logged`)
  }
  const [first] = capture.lines()
  t.match(first, {
    request: { headers: { authorization: REDACTION_CENSOR, cookie: REDACTION_CENSOR, host: 'api.example' } },
    response: { headers: { 'set-cookie': REDACTION_CENSOR } },
    user: { email: REDACTION_CENSOR, phone: REDACTION_CENSOR, name: 'Alice' },
    email: REDACTION_CENSOR,
  })
})

t.test('errors, child bindings and interpolated objects are redacted too', async (t) => {
  const { log, capture } = appLogging({ NODE_ENV: 'test' })
  const error = Object.assign(new Error('lookup failed'), { details: { email: 'error@example.com' } })
  log.error({ err: error }, 'request failed')
  log.child({ requestHeaders: { cookie: 'session=child-cookie' } }).info('from a child')
  log.info('interpolated %j', { phone: '+15550005' })

  const text = capture.text()
  for (const secret of ['error@example.com', 'child-cookie', '+15550005']) {
    t.notOk(text.includes(secret), `${secret} is not logged`)
  }
  const [failed, child] = capture.lines()
  t.match(failed, { err: { type: 'Error', message: 'lookup failed', details: { email: REDACTION_CENSOR } } })
  t.match(failed?.err, { stack: /lookup failed/ }, 'the error keeps its stack')
  t.match(child, { requestHeaders: { cookie: REDACTION_CENSOR } })
})
