// How a benchmark reports its targets: a table of its own, and, under `npm run bench`, one JSON
// line per target in the file run-all.ts names (BENCH_TARGETS_FILE), so that the run ends with
// every benchmark's targets in one table.
import { appendFileSync, readFileSync } from 'node:fs'
import { printTable } from './measure.js'

export interface TargetResult {
  target: string
  measured: string
  goal: string
  met: boolean
}

export const TARGETS_FILE_VARIABLE = 'BENCH_TARGETS_FILE'

/** Prints the targets; the caller prints its title. */
export function reportTargets(results: readonly TargetResult[]): void {
  printTable(['target', 'measured', 'goal', 'result'], results.map(targetRow), 2)
  const file = process.env[TARGETS_FILE_VARIABLE]
  if (file) appendFileSync(file, results.map((result) => `${JSON.stringify(result)}\n`).join(''))
}

export function targetRow(result: TargetResult): string[] {
  return [result.target, result.measured, result.goal, result.met ? 'met' : 'MISSED']
}

/** What the benchmarks reported into `file` (nothing when none reported). */
export function reportedTargets(file: string): TargetResult[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as TargetResult)
}
