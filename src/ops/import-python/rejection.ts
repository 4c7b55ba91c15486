// Why a source item was not imported. Every item read is imported, found imported already, or
// rejected with one of these reasons, so a run's counts always add up.
export const REJECT_REASONS = [
  /** No `model_name`, or one the importer has no mapping for (users, for now). */
  'unknown model',
  /** An attribute the mapping does not know: importing the item would lose it. */
  'unknown attribute',
  /** No id, or one tessera's paths and keys cannot hold. */
  'invalid id',
  /** No `tenant_id`: tessera keeps every item inside a tenant. */
  'no tenant',
  /** A tenant id tessera's keys cannot hold (see TENANT_ID_PATTERN). */
  'invalid tenant',
  /** A key that is not what the Python key builder makes of the item's attributes. */
  'malformed key',
  /** Soft deleted in the source: it would be purged again soon, so it is left behind. */
  'deleted',
  /** A value tessera's API would refuse (the resource's v2 body), an owner or a date it cannot read. */
  'invalid value',
] as const

export type RejectReason = (typeof REJECT_REASONS)[number]

export interface Rejection {
  reason: RejectReason
  detail: string
}

export const rejection = (reason: RejectReason, detail: string): { rejection: Rejection } => ({
  rejection: { reason, detail },
})
