// What a server process loads to start: the SDKs and clients of settings it does not have (SSM,
// Redis, KMS, S3) and Fastify's default schema compilers (Ajv, fast-json-stringify; the app has
// its own) would cost every instance start-up time and memory, so they are loaded only when needed.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import t from 'tap'
import { projectRoot } from '../scripts/dynamodb-local.js'
import { TEST_JWT_SECRET } from './helpers/tokens.js'

const run = promisify(execFile)

// As server.ts starts (its imports, then the configuration and the app), with every registration
// resolved as the first requests would; prints the packages the process has loaded by then.
const CHILD = `
import { createRequire } from 'node:module'
const { configFromProcessAndSsm } = await import('./src/config/ssm-config.ts')
await import('./src/server.ts')
const { buildApp } = await import('./src/app.ts')
const { buildContainer, servicesOf } = await import('./src/container.ts')
const { config } = await configFromProcessAndSsm()
const container = buildContainer(config)
const app = await buildApp(container)
await app.ready()
Object.values(servicesOf(container))
const packages = new Set()
for (const path of Object.keys(createRequire(import.meta.url).cache)) {
  const name = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(path)?.[1]
  if (name) packages.add(name)
}
console.log(JSON.stringify([...packages]))
await app.close()
`

/** The packages a server with these settings has loaded once it can serve. */
async function packagesLoaded(env: Record<string, string>): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
      APP_TABLE_NAME: 'start-modules',
      JWT_SECRET: TEST_JWT_SECRET,
      ...env,
    },
  })
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as string[]
}

const OPTIONAL = [
  '@aws-sdk/client-ssm',
  '@aws-sdk/client-kms',
  '@aws-sdk/client-s3',
  'ioredis',
  'ajv',
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
]

t.test(
  "without SSM, Redis or KMS settings, none of their clients is loaded, nor Fastify's default compilers",
  async (t) => {
    const loaded = await packagesLoaded({})
    t.ok(loaded.includes('fastify') && loaded.includes('@aws-sdk/client-dynamodb'), 'what serving needs')
    t.same(
      OPTIONAL.filter((name) => loaded.includes(name)),
      [],
    )
  },
)

t.test('REDIS_URL loads ioredis and KMS_KEY_ID the KMS client, when the app is built', async (t) => {
  // Nothing listens on port 9: the link keeps retrying, and the start waits a second at most.
  const loaded = await packagesLoaded({ REDIS_URL: 'redis://127.0.0.1:9', KMS_KEY_ID: 'alias/tessera' })
  t.ok(loaded.includes('ioredis'))
  t.ok(loaded.includes('@aws-sdk/client-kms'))
})
