// The baseline of `bench:http`: a bare Fastify app with one hello-world route and no logger,
// served like the app (a child process of its own, listening on HOST:PORT). It exits normally on
// SIGTERM, so that `--cpu-prof` can write its profile.
import Fastify from 'fastify'

const app = Fastify()
app.get('/', async () => ({ hello: 'world' }))
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0))
})
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0) })
