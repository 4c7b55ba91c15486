// Where a backup lives: a folder, or a prefix in an S3 bucket (`s3://bucket/prefix`). Both are
// read and written as streams, so a part is never held in memory whole.
import type { Readable } from 'node:stream'

export interface BackupStore {
  /** The location as the user gave it, for messages. */
  readonly location: string
  /** Stores `body` under `name`; resolves once it is durably stored (fsync'd, or the upload completed). */
  write(name: string, body: Readable): Promise<void>
  /** The stored bytes; rejects with a BackupError when there is nothing under `name`. */
  read(name: string): Promise<Readable>
  /** A small text file (the manifest); undefined when there is none. */
  readText(name: string): Promise<string | undefined>
  /** Stores a small text file whole: a reader sees all of it or nothing. */
  writeText(name: string, text: string): Promise<void>
}
