import Fastify, { type FastifyBaseLogger, LogController } from 'fastify'
import t from 'tap'
import { LazyChildLogger, lazyChildLogger } from '../../src/observability/lazy-child-logger.js'
import { LineTemplate } from '../../src/observability/line-template.js'
import { createLogger, REDACTION_CENSOR } from '../../src/observability/logger.js'
import { captureLogs, countChildLoggers } from '../helpers/log-capture.js'

const KEYS = ['method', 'route', 'status', 'durationMs', 'tenantId', 'userId'] as const
type Fields = Record<(typeof KEYS)[number], unknown>
const template = new LineTemplate('info', 'request completed', KEYS)
/** Lines differ only in their time, which both write with the logger's own time function. */
const timeless = (line: string) => line.replace(/"time":"[^"]*"/, '"time":"-"')

function appWithLogs(level = 'info') {
  const capture = captureLogs()
  const root = createLogger({ env: 'production', logLevel: level as 'info' }, capture.stream)
  const app = Fastify({
    loggerInstance: root,
    childLoggerFactory: lazyChildLogger,
    logController: new LogController({ disableRequestLogging: true }),
  })
  return { app, capture, childrenMade: countChildLoggers(app.log) }
}

/** The line the template writes through a request's logger, and the line pino writes for it. */
async function bothLines(
  app: ReturnType<typeof appWithLogs>['app'],
  fields: Fields,
  capture: ReturnType<typeof captureLogs>,
) {
  let requestLog: FastifyBaseLogger | undefined
  app.get('/', async (request) => {
    requestLog = request.log
    template.write(request.log, fields)
    return 'ok'
  })
  await app.inject({ method: 'GET', url: '/' })
  const templated = capture.text()
  ;(requestLog as LazyChildLogger).logger.info(fields, 'request completed')
  return { templated, pino: capture.text().slice(templated.length) }
}

const cases: [string, Fields][] = [
  [
    'plain values',
    {
      method: 'GET',
      route: '/v2/groups/:id',
      status: 200,
      durationMs: 0.3,
      tenantId: 'acme',
      userId: 'alice',
    },
  ],
  ['nulls', { method: 'GET', route: 'unmatched', status: 404, durationMs: 12, tenantId: null, userId: null }],
  [
    'quotes, backslashes, control characters, non-ASCII',
    {
      method: 'GET',
      route: 'a"b\\c',
      status: 200,
      durationMs: 1.5,
      tenantId: 'tab\there\nnew',
      userId: 'zoë ✓ 🙂',
    },
  ],
  [
    'a long string',
    { method: 'GET', route: `/${'"x'.repeat(80)}`, status: 200, durationMs: 1, tenantId: 't', userId: 'u' },
  ],
  [
    'a lone surrogate (through pino)',
    { method: 'GET', route: '/', status: 200, durationMs: 1, tenantId: 'bad\uD800', userId: 'u' },
  ],
  [
    'numbers that are not finite, booleans, undefined',
    {
      method: 'GET',
      route: '/',
      status: Number.NaN,
      durationMs: Number.POSITIVE_INFINITY,
      tenantId: true,
      userId: undefined,
    },
  ],
  [
    'an object (through pino)',
    {
      method: 'GET',
      route: '/',
      status: 200,
      durationMs: 1,
      tenantId: { email: 'e@example.com' },
      userId: 'u',
    },
  ],
]

for (const [name, fields] of cases) {
  t.test(`the templated line is byte for byte pino's: ${name}`, async (t) => {
    const { app, capture } = appWithLogs()
    const { templated, pino } = await bothLines(app, fields, capture)
    t.ok(templated.endsWith('"msg":"request completed"}\n'), templated)
    t.match(templated, /^\{"level":"info","time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","pid":/)
    t.equal(timeless(templated), timeless(pino))
  })
}

t.test('a request that logs nothing else makes no child logger', async (t) => {
  const { app, capture, childrenMade } = appWithLogs()
  const fields = cases[0]?.[1] as Fields
  app.get('/', async (request) => {
    template.write(request.log, fields)
    return 'ok'
  })
  await app.inject({ method: 'GET', url: '/' })
  t.equal(childrenMade(), 0)
  t.match(capture.lines()[0], { msg: 'request completed', reqId: String, tenantId: 'acme' })
})

t.test('after the request logged something, the child writes the line, still the same', async (t) => {
  const { app, capture, childrenMade } = appWithLogs()
  const fields = cases[0]?.[1] as Fields
  app.get('/', async (request) => {
    request.log.info({ groupId: 'g1' }, 'group read')
    template.write(request.log, fields)
    ;(request.log as unknown as LazyChildLogger).logger.info(fields, 'request completed')
    return 'ok'
  })
  await app.inject({ method: 'GET', url: '/' })
  t.equal(childrenMade(), 1)
  const [read, templated, pino] = capture.text().split(/(?<=\n)/)
  t.match(JSON.parse(read as string), { msg: 'group read', groupId: 'g1', reqId: String })
  t.equal(timeless(templated as string), timeless(pino as string))
})

t.test('a level above the line writes nothing', async (t) => {
  const { app, capture } = appWithLogs('warn')
  app.get('/', async (request) => {
    template.write(request.log, cases[0]?.[1] as Fields)
    return 'ok'
  })
  await app.inject({ method: 'GET', url: '/' })
  t.equal(capture.text(), '')
})

t.test("a lazy child's bindings are redacted as a child's are", async (t) => {
  const capture = captureLogs()
  const root = createLogger({ env: 'production', logLevel: 'info' }, capture.stream)
  const fields = cases[0]?.[1] as Fields
  template.write(new LazyChildLogger(root, { authorization: 'Bearer secret', requestId: 'r1' }), fields)
  root.child({ authorization: 'Bearer secret', requestId: 'r1' }).info(fields, 'request completed')
  const [templated, pino] = capture.text().split(/(?<=\n)/)
  t.notOk(capture.text().includes('secret'))
  t.match(JSON.parse(templated as string), { authorization: REDACTION_CENSOR, requestId: 'r1' })
  t.equal(timeless(templated as string), timeless(pino as string))
})
