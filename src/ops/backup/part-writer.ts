// One part being written: NDJSON lines → gzip → sha256 and byte count → the store, as one stream
// with backpressure (a write waits while gzip or the destination is behind).
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { PassThrough, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import type { WireItem } from '../parallel-scan.js'
import type { BackupStore } from './backup-store.js'
import { encodeItem, modelOf } from './item-json.js'
import { type ManifestPart, partName } from './manifest.js'

export class PartWriter {
  readonly name: string
  items = 0
  /** Bytes of NDJSON written so far (before gzip): what a part is rolled by. */
  textBytes = 0
  readonly counts: Record<string, number> = {}
  /** The part's items, kept only when asked for (the caller needs them after the part is stored). */
  readonly kept: WireItem[] = []
  private readonly gzip = createGzip()
  private readonly hash = createHash('sha256')
  private bytes = 0
  private readonly stored: Promise<void>
  private readonly failed: Promise<never>

  constructor(
    store: BackupStore,
    readonly segment: number,
    index: number,
    private readonly keepItems: boolean,
  ) {
    this.name = partName(segment, index)
    const tap = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.hash.update(chunk)
        this.bytes += chunk.length
        done(null, chunk)
      },
    })
    const body = new PassThrough()
    const flowing = pipeline(this.gzip, tap, body)
    this.stored = Promise.all([flowing, store.write(this.name, body)]).then(() => undefined)
    this.failed = this.stored.then(() => new Promise<never>(() => {}))
    // Awaited in add() and close(); until then a failure must not count as unhandled.
    this.stored.catch(() => {})
  }

  /** Appends a page's items; resolves when gzip can take more. */
  async add(items: readonly WireItem[]): Promise<void> {
    if (items.length === 0) return
    let text = ''
    for (const item of items) {
      text += `${encodeItem(item)}\n`
      const model = modelOf(item)
      this.counts[model] = (this.counts[model] ?? 0) + 1
      if (this.keepItems) this.kept.push(item)
    }
    this.items += items.length
    this.textBytes += Buffer.byteLength(text)
    if (!this.gzip.write(text)) await Promise.race([once(this.gzip, 'drain'), this.failed])
  }

  /** Ends the part; resolves with its manifest entry once it is durably stored. */
  async close(): Promise<ManifestPart> {
    this.gzip.end()
    await this.stored
    return {
      name: this.name,
      segment: this.segment,
      items: this.items,
      bytes: this.bytes,
      sha256: this.hash.digest('hex'),
    }
  }
}
