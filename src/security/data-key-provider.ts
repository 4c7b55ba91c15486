/** A data key: its plaintext (used in memory only) and its wrapped form (stored beside the data). */
export interface DataKey {
  /** Which master key wrapped it: a KMS key id/ARN, or `local:<id>`. */
  keyId: string
  plaintext: Buffer
  wrapped: Buffer
}

/** Where data keys come from: KMS in production, a local master key in development. */
export interface DataKeyProvider {
  /** The master key new data keys are wrapped with. */
  readonly currentKeyId: string
  generateDataKey(): Promise<DataKey>
  /** Unwraps a stored data key; the key id tells which master key (rotated keys still decrypt). */
  unwrapDataKey(keyId: string, wrapped: Buffer): Promise<Buffer>
}
