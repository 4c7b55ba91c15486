// ULIDs for new items. The ulid package draws one random byte per character, each its own call
// into the system's random source: about 30 µs of CPU per id, a tenth of a create's CPU time
// (measured). Here the bytes come from a pool of the same crypto-strong random bytes, drawn a few
// kilobytes at a time, so an id costs under a microsecond.
import { createHash, randomFillSync } from 'node:crypto'
import { ulid } from 'ulid'

/**
 * The ids an item may have: new ones are ULIDs, imported items keep theirs. Keys are lower-cased,
 * so ids are case-insensitive, as ULIDs are: `ABC-def` and `abc-def` name one item.
 */
export const OPAQUE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

const POOL_BYTES = 4096
const pool = new Uint8Array(POOL_BYTES)
let used = POOL_BYTES

/** A fraction in [0, 1) in steps of 1/256, as ulid's own generator gives: each character is unbiased. */
function pooledRandom(): number {
  if (used === POOL_BYTES) {
    randomFillSync(pool)
    used = 0
  }
  return (pool[used++] as number) / 256
}

/** A new ULID whose time part is `timeMs`. */
export function newUlid(timeMs: number): string {
  return ulid(timeMs, pooledRandom)
}

/**
 * The `n`th ULID of a request identified by `seed`: the same every time it is asked for, so each
 * attempt of a request sent with an Idempotency-Key gives its new items the same ids. The random
 * part comes from a hash of the seed and `n`, so ids of different seeds do not collide.
 */
export function seededUlid(timeMs: number, seed: string, n: number): string {
  const digest = createHash('sha256').update(`${seed}\u0000${n}`).digest()
  let position = 0
  return ulid(timeMs, () => (digest[position++] as number) / 256)
}
