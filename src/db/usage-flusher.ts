// Adds the usage counted in memory (UsageMeter) to the table: every `intervalMs`, and once more
// when the app closes. A batch whose write failed stays with the meter, unchanged, and is sent
// again by the next flush: counts are never dropped, and never added twice (see addUsageInput).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SECONDS_PER_HOUR } from '../models/index.js'
import type { UsageBatch, UsageMeter } from '../observability/usage-meter.js'
import { isConditionalCheckFailed } from './sdk-errors.js'
import { addUsage, addUsageInput } from './usage-table.js'

export interface UsageFlusherOptions {
  tableName: string
  intervalMs: number
  /** How long a usage item is kept after its hour ends (its TTL). */
  retentionSeconds: number
  /** The most the flush at close may take; what it could not write by then is lost (and logged). */
  closeTimeoutMs: number
  /** Batches in flight at once. */
  concurrency: number
  now?: () => Date
}

/** A flush left batches unwritten: kept for the next one, or lost when the flush at close fails. */
export interface FlushFailure {
  error: unknown
  unwritten: number
  closing: boolean
}

const CLOSE_PASSES = 3

export class UsageFlusher {
  #timer: NodeJS.Timeout | undefined
  #running: Promise<boolean> | undefined
  /** Aborted at close: a flush under way then (DynamoDB stalled) must not hold the close up. */
  readonly #stopping = new AbortController()
  #report: (failure: FlushFailure) => void = () => {}

  /** @param client a client without cached middleware (createDynamoDbClient), so calls take a signal */
  constructor(
    private readonly meter: UsageMeter,
    private readonly client: DynamoDBClient,
    private readonly options: UsageFlusherOptions,
  ) {}

  /** Flushes every `intervalMs` from now on; failures (this one's and close's) go to `report`. */
  start(report: (failure: FlushFailure) => void): void {
    this.#report = report
    this.#timer ??= setInterval(() => void this.flush(), this.options.intervalMs).unref()
  }

  /**
   * Writes every batch the meter hands out; resolves whether all of them were written. Never
   * rejects. A flush asked for while one runs waits for it instead of starting another.
   */
  flush(signal: AbortSignal = this.#stopping.signal, closing = false): Promise<boolean> {
    if (this.#running) return this.#running
    const running = this.#flushOnce(signal, closing).finally(() => {
      this.#running = undefined
    })
    this.#running = running
    return running
  }

  /**
   * Stops the timer and writes what is left, within `closeTimeoutMs`. Counts made since a batch was
   * handed out go in a later pass (a batch that failed and was retried leaves them behind).
   */
  async close(): Promise<void> {
    clearInterval(this.#timer)
    // What it was writing stays unsettled, and the passes below send it again (it is idempotent).
    this.#stopping.abort()
    await this.#running
    const signal = AbortSignal.timeout(this.options.closeTimeoutMs)
    for (let pass = 0; pass < CLOSE_PASSES && this.meter.pending; pass++) {
      if (!(await this.flush(signal, true))) break
    }
  }

  async #flushOnce(signal: AbortSignal, closing: boolean): Promise<boolean> {
    const batches = this.meter.takeBatches()
    let next = 0
    let unwritten = 0
    let lastError: unknown
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++] as UsageBatch
        try {
          await this.#write(batch, signal)
        } catch (error) {
          unwritten++
          lastError = error
        }
      }
    }
    const workers = Math.min(this.options.concurrency, batches.length)
    await Promise.all(Array.from({ length: workers }, worker))
    const stopped = !closing && this.#stopping.signal.aborted
    if (unwritten > 0 && !stopped) this.#report({ error: lastError, unwritten, closing })
    return unwritten === 0
  }

  async #write(batch: UsageBatch, signal: AbortSignal): Promise<void> {
    const now = this.options.now?.() ?? new Date()
    const expiresAt = batch.hour + SECONDS_PER_HOUR + this.options.retentionSeconds
    const input = addUsageInput(this.options.tableName, this.meter.instanceId, batch, { expiresAt, now })
    try {
      await addUsage(this.client, input, signal)
    } catch (error) {
      // Refused because this batch's sequence is already in the item: an earlier attempt landed.
      if (!isConditionalCheckFailed(error)) throw error
    }
    this.meter.settle(batch)
  }
}
