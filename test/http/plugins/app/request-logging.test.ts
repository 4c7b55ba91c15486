import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'
import { captureLogs, countChildLoggers } from '../../../helpers/log-capture.js'

const completions = (lines: Record<string, unknown>[]) =>
  lines.filter((line) => line.msg === 'request completed')

t.test('each request logs one completion line with who, what route, status and duration', async (t) => {
  const capture = captureLogs()
  const { app, token } = await buildTestApp(t, { logStream: capture.stream })
  const bearer = token('acme', 'alice', ['member'])
  const authorization = `Bearer ${bearer}`

  const created = await app.inject({
    method: 'POST',
    url: '/v2/groups',
    headers: { authorization, cookie: 'session=s3cr3t-cookie', 'x-correlation-id': 'corr-create' },
    payload: { name: 'Logged', groupType: 'team' },
  })
  t.equal(created.statusCode, 201)
  const id = created.json().data.id
  await app.inject({
    method: 'GET',
    url: `/v2/groups/${id}?fields=name`,
    headers: { authorization, 'x-correlation-id': 'corr-read' },
  })
  await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-correlation-id': 'corr-live' } })
  await app.inject({
    method: 'GET',
    url: '/v2/groups',
    headers: { authorization: 'Bearer not-a-token', 'x-correlation-id': 'corr-denied' },
  })
  await app.inject({ method: 'GET', url: '/no/such/route', headers: { 'x-correlation-id': 'corr-404' } })

  const lines = completions(capture.lines())
  t.equal(lines.length, 5, 'exactly one completion line per request')
  const byId = Object.fromEntries(lines.map((line) => [line.correlationId, line]))
  t.match(byId['corr-create'], {
    level: 'info',
    method: 'POST',
    route: '/v2/groups',
    status: 201,
    tenantId: 'acme',
    userId: 'alice',
    durationMs: Number,
  })
  t.match(byId['corr-read'], { route: '/v2/groups/:id', status: 200, tenantId: 'acme', userId: 'alice' })
  t.match(byId['corr-live'], { route: '/health/live', status: 200, tenantId: null, userId: null })
  t.match(byId['corr-denied'], { route: '/v2/groups', status: 401, tenantId: null, userId: null })
  t.match(byId['corr-404'], { route: 'unmatched', status: 404 })
  t.ok((byId['corr-create']?.durationMs as number) >= 0)

  const text = capture.text()
  t.notOk(text.includes(bearer), 'the bearer token never appears')
  t.notOk(text.includes(bearer.split('.')[2] as string), 'not even its signature')
  t.notOk(text.includes('s3cr3t-cookie'), 'cookies never appear')
  const completionText = JSON.stringify(lines)
  t.notOk(completionText.includes(id), 'raw URLs (with ids) are not logged, only route templates')
  t.notOk(text.includes('fields=name'), 'query strings are not logged')
})

t.test('LOG_LEVEL above info silences completion lines', async (t) => {
  const capture = captureLogs()
  const { app } = await buildTestApp(t, { logStream: capture.stream, env: { LOG_LEVEL: 'warn' } })
  await app.inject({ method: 'GET', url: '/health/live' })
  t.equal(completions(capture.lines()).length, 0)
})

t.test('a read that logs nothing else makes no child logger, and its line is what pino writes', async (t) => {
  const capture = captureLogs()
  const { app, token } = await buildTestApp(t, { logStream: capture.stream })
  const authorization = `Bearer ${token('acme', 'alice', ['member'])}`
  const created = await app.inject({
    method: 'POST',
    url: '/v2/groups',
    headers: { authorization },
    payload: { name: 'Logged', groupType: 'team' },
  })
  const url = `/v2/groups/${created.json().data.id}`
  await app.inject({ method: 'GET', url, headers: { authorization } })

  const childrenMade = countChildLoggers(app.log)
  const before = capture.text().length
  const read = await app.inject({
    method: 'GET',
    url,
    headers: { authorization, 'x-correlation-id': 'corr-hit' },
  })
  t.equal(read.statusCode, 200)
  t.equal(childrenMade(), 0, 'no pino child for a cached read')

  const line = capture.text().slice(before)
  const { level, time, pid, hostname, correlationId, msg, ...fields } = JSON.parse(line)
  t.same([level, correlationId, msg], ['info', 'corr-hit', 'request completed'])
  app.log.child({ correlationId }).info(fields, msg)
  const timeless = (text: string) => text.replace(/"time":"[^"]*"/, '"time":"-"')
  t.equal(timeless(line), timeless(capture.text().slice(before + line.length)), 'byte for byte')
})
