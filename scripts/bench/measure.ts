// Timing helpers shared by the benchmarks. Machines here are noisy, so every library is measured in
// the same process, in interleaved rounds, and compared by the median of those rounds. Calls are
// timed in the process's CPU time, not on the wall clock: on a busy machine a long call is more
// often interrupted than a short one, and wall time would count that against the slower library.
import { Bench } from 'tinybench'

export interface Case {
  name: string
  /** One call handles `opsPerCall` operations; batching keeps timer overhead out of fast cases. */
  run: () => void
  opsPerCall: number
}

export interface RoundsOptions {
  rounds: number
  /** CPU time budget per case and round, in milliseconds. */
  timeMs: number
  /** Warm-up per case and round, in milliseconds (tinybench's default, 250, when absent). */
  warmupMs?: number
}

/** Operations per second of each case: the median over `rounds` interleaved rounds. */
export async function opsPerSecond(
  cases: readonly Case[],
  options: RoundsOptions,
): Promise<Map<string, number>> {
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]))
  for (let round = 0; round < options.rounds; round++) {
    // Alternate the order so that no case always runs first (cold) or last (after the others' garbage).
    const ordered = round % 2 === 0 ? cases : [...cases].reverse()
    const bench = new Bench({
      now: cpuMilliseconds,
      time: options.timeMs,
      warmup: true,
      ...(options.warmupMs === undefined ? {} : { warmupTime: options.warmupMs }),
      throws: true,
    })
    for (const c of ordered) bench.add(c.name, c.run, { async: false })
    await bench.run()
    for (const task of bench.tasks) {
      const result = task.result
      if (result.state !== 'completed') throw new Error(`${task.name} did not complete: ${result.state}`)
      const c = cases.find((candidate) => candidate.name === task.name) as Case
      samples.get(c.name)?.push((c.opsPerCall * 1000) / result.latency.p50)
    }
  }
  return new Map([...samples].map(([name, values]) => [name, median(values)]))
}

/** CPU time this process has used (every thread: the collector's work counts too). */
function cpuMilliseconds(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** Prints rows as an aligned text table: the first `leftColumns` left-aligned, the rest right-aligned. */
export function printTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  leftColumns = 1,
): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column < leftColumns
          ? cell.padEnd(widths[column] as number)
          : cell.padStart(widths[column] as number),
      )
      .join('  ')
  console.log(line(header))
  console.log(widths.map((width) => '-'.repeat(width)).join('  '))
  for (const row of rows) console.log(line(row))
}

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

export function formatRatio(value: number): string {
  return `${value.toFixed(value >= 10 ? 1 : 2)}×`
}
