// Compares two tables that should hold the same items (a global table's replicas, a table and its
// restored copy): counts per model, and a digest per scan segment. A segment number covers the same
// range of partition-key hashes in both tables, so segments compare one to one, and a difference
// is narrowed to the segments that hold it; `details` then reads only those again, for the keys.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { keyText, modelOf } from './backup/index.js'
import { ItemsDigest, itemHash } from './item-digest.js'
import { parallelScan } from './parallel-scan.js'

export interface TableSide {
  client: DynamoDBClient
  tableName: string
}

export interface DrCheckOptions {
  primary: TableSide
  replica: TableSide
  segments: number
  /** Also list the keys that differ, reading the differing segments of both tables again. */
  details?: boolean
  pageSize?: number
  signal?: AbortSignal
  /** Called with the items of every page read, from either table. */
  onItems?: (items: number) => void
}

export interface TableSummary {
  items: number
  counts: Record<string, number>
  segments: Array<{ items: number; digest: string }>
}

export interface KeyDifference {
  segment: number
  key: string
  /** `missing`: in the primary only; `extra`: in the replica only; `changed`: in both, not equal. */
  difference: 'missing' | 'extra' | 'changed'
}

export interface DrReport {
  primary: TableSummary
  replica: TableSummary
  models: Array<{ model: string; primary: number; replica: number }>
  segments: number[]
  keys?: KeyDifference[]
  /** True when the run was stopped before it read everything (then nothing is concluded). */
  stopped: boolean
  same: boolean
}

export async function drCheck(options: DrCheckOptions): Promise<DrReport> {
  const [primary, replica] = await Promise.all([
    summarizeTable(options.primary, options),
    summarizeTable(options.replica, options),
  ])
  const stopped = options.signal?.aborted ?? false
  const models = [...new Set([...Object.keys(primary.counts), ...Object.keys(replica.counts)])]
    .sort()
    .map((model) => ({ model, primary: primary.counts[model] ?? 0, replica: replica.counts[model] ?? 0 }))
    .filter((count) => count.primary !== count.replica)
  const segments = primary.segments
    .map((segment, n) => (segment.digest === replica.segments[n]?.digest ? -1 : n))
    .filter((n) => n >= 0)
  const report: DrReport = {
    primary,
    replica,
    models,
    segments,
    stopped,
    same: !stopped && models.length === 0 && segments.length === 0,
  }
  if (options.details && segments.length > 0 && !stopped)
    report.keys = await keyDifferences(options, segments)
  return report
}

export async function summarizeTable(
  side: TableSide,
  options: Pick<DrCheckOptions, 'segments' | 'pageSize' | 'signal' | 'onItems'>,
): Promise<TableSummary> {
  const digests = Array.from({ length: options.segments }, () => new ItemsDigest())
  const counts: Record<string, number> = {}
  const totals = await parallelScan({ ...scanOptions(side, options) }, (page) => {
    const digest = digests[page.segment] as ItemsDigest
    for (const item of page.items) {
      digest.add(itemHash(item))
      const model = modelOf(item)
      counts[model] = (counts[model] ?? 0) + 1
    }
    options.onItems?.(page.items.length)
  })
  return {
    items: totals.matched,
    counts,
    segments: digests.map((digest) => ({ items: digest.items, digest: digest.digest })),
  }
}

async function keyDifferences(options: DrCheckOptions, segments: number[]): Promise<KeyDifference[]> {
  const wanted = new Set(segments)
  // Segments left out start as finished, so only the differing ones are read.
  const startKeys = Array.from({ length: options.segments }, (_, n) => (wanted.has(n) ? undefined : null))
  const hashes = async (side: TableSide) => {
    const found = new Map<string, { segment: number; hash: string }>()
    await parallelScan({ ...scanOptions(side, options), startKeys }, (page) => {
      for (const item of page.items) found.set(keyText(item), { segment: page.segment, hash: itemHash(item) })
      options.onItems?.(page.items.length)
    })
    return found
  }
  const [primary, replica] = await Promise.all([hashes(options.primary), hashes(options.replica)])
  const differences: KeyDifference[] = []
  for (const [key, { segment, hash }] of primary) {
    const other = replica.get(key)
    if (!other) differences.push({ segment, key, difference: 'missing' })
    else if (other.hash !== hash) differences.push({ segment, key, difference: 'changed' })
  }
  for (const [key, { segment }] of replica) {
    if (!primary.has(key)) differences.push({ segment, key, difference: 'extra' })
  }
  return differences.sort((a, b) => a.segment - b.segment || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

function scanOptions(side: TableSide, options: Pick<DrCheckOptions, 'segments' | 'pageSize' | 'signal'>) {
  return {
    client: side.client,
    tableName: side.tableName,
    segments: options.segments,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  }
}

const DESCRIBED: Record<KeyDifference['difference'], string> = {
  missing: 'is missing from the replica',
  extra: 'is only in the replica',
  changed: 'differs',
}

/** The report as lines to print. */
export function describeReport(report: DrReport, names: { primary: string; replica: string }): string[] {
  const lines = [
    `primary ${names.primary}: ${report.primary.items} items; replica ${names.replica}: ${report.replica.items} items`,
  ]
  if (report.stopped) return [...lines, 'stopped before the end: nothing compared']
  for (const { model, primary, replica } of report.models)
    lines.push(`model ${model}: ${primary} in the primary, ${replica} in the replica`)
  for (const segment of report.segments) {
    const [a, b] = [report.primary.segments[segment], report.replica.segments[segment]]
    lines.push(`segment ${segment} differs: ${a?.items} items in the primary, ${b?.items} in the replica`)
  }
  for (const { segment, key, difference } of report.keys ?? [])
    lines.push(`  segment ${segment}: ${key} ${DESCRIBED[difference]}`)
  lines.push(report.same ? 'the tables hold the same items' : 'the tables differ')
  return lines
}
