// Parts 1 and 2 of `bench:http` compare sides in alternating rounds (this machine's speed
// drifts; alternating spreads the drift over all sides), then print every round and the medians.
import type { Throughput } from './load.js'
import { formatCount, median, printTable } from './measure.js'

/** One round of one side: its throughput, and the CPU time per call of the process doing the work. */
export type RoundResult = Throughput & { cpuMicrosPerCall: number }
export type Sample<Side extends string> = { round: number; side: Side; result: RoundResult }

/**
 * Runs `rounds` rounds of every side in `order`, which is reversed every other round; `runs` loads
 * a side for `seconds`.
 */
export async function alternatingRounds<Side extends string>(
  runs: Record<Side, (seconds: number) => Promise<RoundResult>>,
  order: readonly Side[],
  options: { rounds: number; roundSeconds: number },
): Promise<Sample<Side>[]> {
  const samples: Sample<Side>[] = []
  for (let round = 1; round <= options.rounds; round++) {
    const sides = round % 2 === 1 ? order : [...order].reverse()
    for (const side of sides) samples.push({ round, side, result: await runs[side](options.roundSeconds) })
  }
  return samples
}

/** The median over a side's rounds of `value` (calls per second unless given). */
export function medianOf<Side extends string>(
  samples: readonly Sample<Side>[],
  side: Side,
  value: (result: RoundResult) => number = (result) => result.perSecond,
): number {
  return median(samples.filter((sample) => sample.side === side).map((sample) => value(sample.result)))
}

/** Calls completed by a side over all its rounds. */
export function completedBy<Side extends string>(samples: readonly Sample<Side>[], side: Side): number {
  return samples
    .filter((sample) => sample.side === side)
    .reduce((sum, sample) => sum + sample.result.completed, 0)
}

/** Prints each round and each side's medians; `headings` name the side, rate and CPU columns. */
export function printRounds<Side extends string>(
  samples: readonly Sample<Side>[],
  titles: Record<Side, string>,
  headings: { side: string; rate: string; cpu: string },
): void {
  const rows = samples.map(({ round, side, result }) => [
    String(round),
    titles[side],
    formatCount(result.perSecond),
    result.p50Ms.toFixed(1),
    result.p99Ms.toFixed(1),
    result.cpuMicrosPerCall.toFixed(0),
  ])
  for (const side of Object.keys(titles) as Side[])
    rows.push([
      'median',
      titles[side],
      formatCount(medianOf(samples, side)),
      '',
      '',
      medianOf(samples, side, (result) => result.cpuMicrosPerCall).toFixed(0),
    ])
  printTable(['round', headings.side, headings.rate, 'p50 ms', 'p99 ms', headings.cpu], rows, 2)
}
