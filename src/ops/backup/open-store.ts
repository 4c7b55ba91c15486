// Opens a backup's location: a folder, or `s3://bucket/prefix`.
import type { S3Client } from '@aws-sdk/client-s3'
import type { BackupStore } from './backup-store.js'
import { DirectoryStore } from './directory-store.js'
import { BackupError } from './manifest.js'
import { S3Store } from './s3-store.js'

export interface StoreOptions {
  /** The S3 client for an `s3://` location (see createS3Client). */
  s3?: () => S3Client
}

export function openStore(location: string, options: StoreOptions = {}): BackupStore {
  if (location.startsWith('s3://')) {
    const [bucket, ...rest] = location.slice('s3://'.length).split('/')
    if (!bucket) throw new BackupError(`${location}: an S3 location is s3://bucket/prefix`)
    if (!options.s3) throw new BackupError(`${location}: no S3 client was configured`)
    return new S3Store(location, options.s3(), bucket, rest.filter(Boolean).join('/'))
  }
  if (location.trim() === '') throw new BackupError('a backup location is a folder or s3://bucket/prefix')
  return new DirectoryStore(location)
}
