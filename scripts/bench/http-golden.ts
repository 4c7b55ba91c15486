// The byte-for-byte check that bench:http makes before it measures: one read's answer (status,
// headers in their order and spelling, body), its log line and what it added to the metrics must
// be what the committed snapshot in scripts/bench/golden/ says, once the values that differ from
// one request to the next (ids, times, durations, counts) are masked. A faster app that answers,
// logs or counts differently fails the benchmark instead of winning it.
// BENCH_GOLDEN_UPDATE=1 writes the snapshots anew (after a deliberate change of the answer; then
// `npm run format`).
import { deepStrictEqual } from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { metricSamples } from './http-app.js'

const GOLDEN_DIR = join(import.meta.dirname, 'golden')
const UPDATE = process.env.BENCH_GOLDEN_UPDATE === '1'
/** How long the log line may take to reach the file (pino writes it asynchronously). */
const LOG_WAIT_MS = 5_000

export interface GoldenRead {
  baseUrl: string
  path: string
  headers: Record<string, string>
  logFile: string
  /** Values to mask wherever they appear, with the name they are masked by (the group's id, the table). */
  known: Record<string, string>
}

export interface Snapshot {
  status: number
  headers: [string, string][]
  body: string
  logLine: string
  /** Counter and histogram-count series that the read moved, with how much. */
  metrics: string[]
}

/** Takes the snapshot of one read and compares it with `golden/<name>.json` (or writes it). */
export async function checkGolden(name: string, read: GoldenRead): Promise<void> {
  const before = await metricValues(read.baseUrl)
  const answer = await rawGet(read)
  const after = await metricValues(read.baseUrl)
  const correlationId = headerOf(answer.headers, 'x-correlation-id')
  const known = { ...read.known, ...(correlationId ? { correlationId } : {}) }
  const snapshot: Snapshot = {
    status: answer.status,
    headers: answer.headers.map(([header, value]) => [
      header,
      // What is left of the rate limit's window and budget depends on when the read came.
      /^x-ratelimit-(remaining|reset)$/i.test(header) ? '<n>' : mask(value, known),
    ]),
    body: mask(answer.body, known),
    logLine: mask(await logLineOf(read.logFile, correlationId), known),
    metrics: movedSeries(before, after).map((series) => mask(series, known)),
  }
  const file = join(GOLDEN_DIR, `${name}.json`)
  if (UPDATE) {
    writeFileSync(file, `${JSON.stringify(snapshot, null, 2)}\n`)
    console.log(`golden: wrote ${file}`)
    return
  }
  const expected = JSON.parse(readFileSync(file, 'utf8')) as Snapshot
  deepStrictEqual(snapshot, expected, `the answer, log line or metrics of ${read.path} changed (${file})`)
  console.log(`golden: answer, log line and metrics byte-for-byte as in ${file}`)
}

interface RawAnswer {
  status: number
  headers: [string, string][]
  body: string
}

/** A GET through node:http, which keeps the headers as they were sent: order and spelling. */
function rawGet(read: GoldenRead): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const call = request(`${read.baseUrl}${read.path}`, { headers: read.headers }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => {
        const raw = response.rawHeaders
        const headers: [string, string][] = []
        for (let i = 0; i < raw.length; i += 2) headers.push([raw[i] as string, raw[i + 1] as string])
        resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') })
      })
      response.on('error', reject)
    })
    call.on('error', reject)
    call.end()
  })
}

function headerOf(headers: [string, string][], name: string): string | undefined {
  return headers.find(([header]) => header.toLowerCase() === name)?.[1]
}

const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g
const HTTP_DATE = /[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT/g

/** The text with what differs between requests replaced by names; numbers after the masks are kept. */
function mask(text: string, known: Record<string, string>): string {
  let masked = text
  for (const [name, value] of Object.entries(known)) masked = masked.split(value).join(`<${name}>`)
  return masked.replace(ISO_TIME, '<iso-time>').replace(HTTP_DATE, '<http-date>')
}

/** The request's completion line, its varying numbers masked (time, duration, pid, host). */
async function logLineOf(file: string, correlationId: string | undefined): Promise<string> {
  const deadline = Date.now() + LOG_WAIT_MS
  for (;;) {
    const line = readFileSync(file, 'utf8')
      .split('\n')
      .find(
        (candidate) =>
          correlationId &&
          candidate.includes(correlationId) &&
          candidate.includes('"msg":"request completed"'),
      )
    if (line) {
      return line
        .replace(/"time":\d+/, '"time":<time>')
        .replace(/"pid":\d+/, '"pid":<pid>')
        .replace(/"hostname":"[^"]*"/, '"hostname":<host>')
        .replace(/"durationMs":[\d.e-]+/, '"durationMs":<ms>')
    }
    if (Date.now() > deadline) throw new Error(`no "request completed" line for ${correlationId} in ${file}`)
    await sleep(50)
  }
}

/** Every counter-like sample of GET /metrics (not buckets or sums: they depend on timing). */
async function metricValues(baseUrl: string): Promise<Map<string, number>> {
  const samples = await metricSamples(baseUrl)
  for (const series of samples.keys())
    if (/^(process|nodejs)_/.test(series) || /_(bucket|sum)(\{|$)/.test(series)) samples.delete(series)
  return samples
}

/** The series that moved between two scrapes, as `series +delta`, without the scrape's own. */
function movedSeries(before: Map<string, number>, after: Map<string, number>): string[] {
  const moved: string[] = []
  for (const [series, value] of after) {
    if (series.includes('route="/metrics"')) continue
    const delta = value - (before.get(series) ?? 0)
    if (delta !== 0) moved.push(`${series} +${delta}`)
  }
  return moved.sort()
}
