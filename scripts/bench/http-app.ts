// What the parts of `bench:http` share: how the app is configured and spawned, groups to read,
// and reading back what the app did (its metrics, its log lines).
import { ok } from 'node:assert/strict'
import { createReadStream } from 'node:fs'
import type { BenchTable } from './bench-server.js'
import { type ChildServer, spawnServer } from './child-server.js'

/** The compiled production entry point (`npm run build`). */
export const APP_ENTRY = 'dist/src/server.js'
export const HELLO_ENTRY = 'scripts/bench/hello-server.ts'
const profileDir = process.env.BENCH_HTTP_CPU_PROF
/**
 * Flags of both children that are compared with each other (the baseline is TypeScript). With
 * BENCH_HTTP_CPU_PROF=<folder>, each of them also writes a CPU profile there when it stops.
 */
export const COMPARED_NODE_FLAGS: readonly string[] = [
  '--import',
  'tsx',
  ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
]

export type { TargetResult } from './targets.js'

/** The app as it runs in production (JSON logs at info level), on the bench table, with the bench secrets. */
export function appEnvironment(table: BenchTable, overrides: Record<string, string> = {}) {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    ...table.environment,
    CURSOR_SECRET: 'bench-cursor-secret-that-is-long-enough',
    LOCAL_MASTER_KEYS: `bench:${Buffer.alloc(32, 'bench-master-key').toString('base64')}`,
    BLIND_INDEX_KEY: 'bench-blind-index-key-that-is-long-enough',
    ...overrides,
  }
}

export function spawnApp(
  table: BenchTable,
  options: { nodeFlags?: readonly string[]; logFile?: string; env?: Record<string, string> } = {},
): Promise<ChildServer> {
  return spawnServer({
    nodeArgs: [...(options.nodeFlags ?? []), APP_ENTRY],
    env: appEnvironment(table, options.env),
    readyPath: '/health/ready',
    ...(options.logFile === undefined ? {} : { logFile: options.logFile }),
  })
}

export function authorization(table: BenchTable, tenantId: string): Record<string, string> {
  return { authorization: `Bearer ${table.token(tenantId, 'bench-user')}` }
}

/** Creates `count` groups through the API (types in turn: team, project); returns their ids. */
export async function createGroups(
  baseUrl: string,
  headers: Record<string, string>,
  count: number,
): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${baseUrl}/v2/groups`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `Bench group ${i}`,
        groupType: i % 2 === 0 ? 'team' : 'project',
        description: `Group ${i} of the HTTP benchmark, read over and over.`,
        icon: 'book',
        color: '#3366ff',
        privacySettings: { visibility: 'tenant' },
      }),
    })
    const body = (await response.json()) as { data?: { id?: string } }
    ok(response.status === 201 && body.data?.id, `POST /v2/groups answered ${response.status}`)
    ids.push(body.data.id)
  }
  return ids
}

/** What an answer to GET carries that a server sets for itself, whatever it answers. */
const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'])

export interface CapturedResponse {
  /** The response's own headers (not the transport's: date, connection, length). */
  headers: Record<string, string>
  body: string
}

/** Reads the group once, checks that the answer is 200 with that group, and returns the answer. */
export async function assertReadable(
  baseUrl: string,
  headers: Record<string, string>,
  id: string,
): Promise<CapturedResponse> {
  const response = await fetch(`${baseUrl}/v2/groups/${id}`, { headers })
  const body = await response.text()
  const group = (JSON.parse(body) as { data?: { id?: string } }).data
  ok(response.status === 200 && group?.id === id, `GET /v2/groups/${id} answered ${response.status}`)
  const own = [...response.headers].filter(([name]) => !TRANSPORT_HEADERS.has(name))
  return { headers: Object.fromEntries(own), body }
}

/** Every sample of GET /metrics: its series (name and labels, as written) and its value. */
export async function metricSamples(baseUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text()
  const samples = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.length === 0) continue
    const space = line.lastIndexOf(' ')
    samples.set(line.slice(0, space), Number(line.slice(space + 1)))
  }
  return samples
}

/** The sum of a metric's samples whose labels include all of `labels`, from GET /metrics. */
export async function metricSum(
  baseUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`)
  let sum = 0
  for (const [series, value] of await metricSamples(baseUrl)) {
    if (series !== name && !series.startsWith(`${name}{`)) continue
    if (wanted.every((pair) => series.includes(pair))) sum += value
  }
  return sum
}

/** Lines in a log file that record a completed request at info level. */
export async function completedRequestLines(file: string): Promise<number> {
  const marker = '"level":"info"'
  let count = 0
  let rest = ''
  for await (const chunk of createReadStream(file, { encoding: 'utf8' })) {
    const lines = `${rest}${chunk}`.split('\n')
    rest = lines.pop() ?? ''
    for (const line of lines) if (line.includes('"msg":"request completed"') && line.includes(marker)) count++
  }
  return count
}

export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
