// Logical backups (backup, archive, tenant export) and restore: the format and its API.
export type { BackupStore } from './backup-store.js'
export { checkFilter, ownedByTenant, scanFilter } from './filter.js'
export { decodeItem, encodeItem, keyText, modelOf, NO_MODEL } from './item-json.js'
export {
  BACKUP_KINDS,
  BackupError,
  type BackupFilter,
  type BackupKind,
  FORMAT,
  FORMAT_VERSION,
  MANIFEST_NAME,
  type Manifest,
  type ManifestPart,
} from './manifest.js'
export { openStore, type StoreOptions } from './open-store.js'
export { type ReadBackupOptions, readBackup, type VerifiedBackup } from './read-backup.js'
export {
  type ModelTally,
  RESTORE_MODES,
  type RestoreMode,
  type RestoreOptions,
  type RestoreSummary,
  restoreBackup,
} from './restore.js'
export { createS3Client } from './s3-client.js'
export {
  KEPT_PART_TEXT_BYTES,
  PART_TEXT_BYTES,
  type WriteBackupOptions,
  writeBackup,
} from './write-backup.js'
