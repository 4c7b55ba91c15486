// The baselines of `bench:http`: a bare Fastify app with one route and no logger, served like the
// app (a child process of its own, listening on HOST:PORT). By default the route answers
// hello-world; with BENCH_RESPONSE (JSON: { headers, body }) it answers that response instead,
// always the same, so that the cost of sending the app's headers and body can be told apart from
// the cost of working them out. It exits normally on SIGTERM, so that `--cpu-prof` can write its
// profile.
import Fastify from 'fastify'

interface FixedResponse {
  headers: Record<string, string>
  body: string
}

const fixed = process.env.BENCH_RESPONSE
  ? (JSON.parse(process.env.BENCH_RESPONSE) as FixedResponse)
  : undefined

const app = Fastify()
if (fixed) app.get('/', (_request, reply) => reply.headers(fixed.headers).send(fixed.body))
else app.get('/', async () => ({ hello: 'world' }))
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0))
})
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0) })
