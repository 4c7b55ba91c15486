// Canonical JSON: the text JSON.stringify writes, with every object's keys in sorted order (arrays
// keep theirs), so that two bodies holding the same data give the same text whatever order their
// keys came in. It is written straight into a hash in pieces: a 14 MB body is never copied whole,
// and its depth is not limited by the call stack.
import type { Hash } from 'node:crypto'

const PIECE_CHARS = 64 * 1024

type Frame = { array: readonly unknown[]; next: number } | { object: object; keys: string[]; next: number }

/** Feeds the canonical JSON text of `value` to `hash`, and returns the hash. */
export function updateCanonical(hash: Hash, value: unknown): Hash {
  let text = ''
  const write = (part: string) => {
    text += part
    if (text.length < PIECE_CHARS) return
    hash.update(text)
    text = ''
  }
  const frames: Frame[] = []
  // Writes a value, or opens it: its members are written by the loop below.
  const begin = (raw: unknown) => {
    const value = jsonValue(raw)
    if (Array.isArray(value)) {
      write('[')
      frames.push({ array: value, next: 0 })
    } else if (value !== null && typeof value === 'object') {
      write('{')
      const keys = Object.keys(value)
        .filter((key) => jsonValue((value as Record<string, unknown>)[key]) !== undefined)
        .sort()
      frames.push({ object: value, keys, next: 0 })
    } else {
      write(JSON.stringify(value) ?? 'null')
    }
  }

  begin(value)
  for (let frame = frames.at(-1); frame; frame = frames.at(-1)) {
    if ('array' in frame) {
      if (frame.next === frame.array.length) {
        write(']')
        frames.pop()
        continue
      }
      if (frame.next > 0) write(',')
      begin(frame.array[frame.next++])
      continue
    }
    if (frame.next === frame.keys.length) {
      write('}')
      frames.pop()
      continue
    }
    const key = frame.keys[frame.next++] as string
    write(`${frame.next > 1 ? ',' : ''}${JSON.stringify(key)}:`)
    begin((frame.object as Record<string, unknown>)[key])
  }
  return hash.update(text)
}

/** A value as JSON.stringify sees it: after toJSON, and undefined where it writes nothing. */
function jsonValue(value: unknown): unknown {
  const toJSON = (value as { toJSON?: unknown } | null | undefined)?.toJSON
  const seen = typeof toJSON === 'function' ? toJSON.call(value) : value
  return typeof seen === 'function' || typeof seen === 'symbol' ? undefined : seen
}
