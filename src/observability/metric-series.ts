// Pre-resolved series of prom-client metrics, for what every request records. prom-client's
// labelled calls build a key from the labels and validate them on each call (and a histogram
// looks its bucket up by a number turned into a string): about a microsecond each. A series finds
// its entry in the metric's own table once and adds to it as those calls do, so the exposition is
// the same; it goes through the labelled call whenever its entry is not there (the first time,
// after a reset) or the value is one only prom-client should judge.
import type { Counter, Gauge, Histogram } from 'prom-client'

type Labels = Record<string, string | number>

interface Table<Entry> {
  hashMap: Record<string, Entry>
  sortedLabelNames: readonly string[]
}

/** The key prom-client files these labels under (its hashObject with the metric's label names). */
function keyOf(metric: Table<unknown>, labels: Labels): string {
  let key = ''
  for (const name of metric.sortedLabelNames) {
    const value = labels[name]
    if (value !== undefined) key += `${name}:${value},`
  }
  return key
}

/** One series of a counter or a gauge: `add(1)`, or for a gauge `add(-1)` too. */
export class ValueSeries {
  readonly #metric: Counter | Gauge
  readonly #table: Table<{ value: number }>
  readonly #labels: Labels
  readonly #key: string
  #entry: { value: number } | undefined

  constructor(metric: Counter | Gauge, labels: Labels = {}) {
    this.#metric = metric
    this.#table = metric as unknown as Table<{ value: number }>
    this.#labels = labels
    this.#key = keyOf(this.#table, labels)
  }

  add(delta: number): void {
    const entry = this.#entry
    if (entry !== undefined && this.#table.hashMap[this.#key] === entry && Number.isFinite(delta)) {
      entry.value += delta
      return
    }
    ;(this.#metric as Gauge).inc(this.#labels, delta)
    this.#entry = this.#table.hashMap[this.#key]
  }
}

interface HistogramEntry {
  sum: number
  count: number
  bucketValues: Record<string, number>
}

/** One series of a histogram (without exemplars; with them every value goes through prom-client). */
export class HistogramSeries {
  readonly #metric: Histogram
  readonly #table: Table<HistogramEntry>
  readonly #labels: Labels
  readonly #key: string
  readonly #bounds: readonly number[]
  /** The bounds as the keys of an entry's bucketValues. */
  readonly #bucketKeys: readonly string[]
  readonly #exemplars: boolean
  #entry: HistogramEntry | undefined

  constructor(metric: Histogram, labels: Labels) {
    const internals = metric as unknown as Table<HistogramEntry> & {
      upperBounds: number[]
      enableExemplars?: boolean
    }
    this.#metric = metric
    this.#table = internals
    this.#labels = labels
    this.#key = keyOf(internals, labels)
    this.#bounds = internals.upperBounds
    this.#bucketKeys = internals.upperBounds.map(String)
    this.#exemplars = internals.enableExemplars === true
  }

  observe(value: number): void {
    const entry = this.#entry
    if (
      entry === undefined ||
      this.#table.hashMap[this.#key] !== entry ||
      !Number.isFinite(value) ||
      this.#exemplars
    ) {
      this.#metric.observe(this.#labels, value)
      this.#entry = this.#table.hashMap[this.#key]
      return
    }
    const bounds = this.#bounds
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] as number)) {
        const key = this.#bucketKeys[i] as string
        entry.bucketValues[key] = (entry.bucketValues[key] as number) + 1
        break
      }
    }
    entry.sum += value
    entry.count += 1
  }
}
