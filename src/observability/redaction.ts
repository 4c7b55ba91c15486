// What a log line may not show: secret headers and personal or encrypted fields, under whatever
// key path they are logged. Keys are matched by name at any depth, case-insensitively, so a new
// call site cannot leak one by nesting it differently. This replaces pino's `redact` paths, whose
// wildcards walked every line path by path (a fifth of a cached read's CPU time).
import { CORE_MODELS, type Model, type ModelClass } from '../models/index.js'

export const REDACTION_CENSOR = '[redacted]'

const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']
const PERSONAL_FIELDS = ['email', 'phone', 'password']

/**
 * Lower-case names of the keys whose values are never logged: secret headers, personal fields and
 * the models' encrypted fields, under their own names and as stored (snake_case). The app passes
 * every model it stores (ALL_MODELS in src/resources).
 */
export function redactedKeys(models: readonly ModelClass<Model>[]): ReadonlySet<string> {
  const encrypted = models
    .flatMap((model) => model.encryptedFields ?? [])
    .flatMap((field) => [field, field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)])
  return new Set([...SECRET_HEADERS, ...PERSONAL_FIELDS, ...encrypted].map((key) => key.toLowerCase()))
}

/** The keys redacted when no other set is given: those of the core models. */
export const REDACTED_KEYS: ReadonlySet<string> = redactedKeys(CORE_MODELS)

// Deeper structures are cut off rather than walked: a log line is not a place for them, and a
// bound keeps a cyclic object from looping.
const MAX_DEPTH = 10
const TOO_DEEP = '[too deep]'

const isRedactedKey = (keys: ReadonlySet<string>, key: string) => keys.has(key) || keys.has(key.toLowerCase())

/**
 * `value` as JSON.stringify would see it, with every redacted key's value replaced by the censor.
 * Copies only what changes: a value with nothing to redact is returned as it is, so a line of
 * plain fields costs a few lookups.
 */
export function redact(value: unknown, depth = 0, keys = REDACTED_KEYS): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (depth >= MAX_DEPTH) return TOO_DEEP
  // JSON.stringify writes what toJSON returns (a Date's string, a model's stored shape).
  const toJSON = (value as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') return redact(toJSON.call(value), depth + 1, keys)
  if (Array.isArray(value)) return redactArray(value, depth, keys)
  return redactObject(value as Record<string, unknown>, depth, keys)
}

function redactArray(array: readonly unknown[], depth: number, keys: ReadonlySet<string>): unknown[] {
  let copy: unknown[] | undefined
  for (let i = 0; i < array.length; i++) {
    const item = redact(array[i], depth + 1, keys)
    if (item !== array[i]) {
      copy ??= array.slice()
      copy[i] = item
    }
  }
  return copy ?? (array as unknown[])
}

// pino hands these keys to serializers of their own, which need the original objects (a request,
// an error); the err serializer's output is redacted instead, and the others show no secrets.
const SERIALIZED_KEYS: ReadonlySet<string> = new Set(['req', 'res', 'err'])

/** A log call's fields, redacted; the values of serialized keys are left to their serializers. */
export function redactLogFields(
  fields: Record<string, unknown>,
  keys = REDACTED_KEYS,
): Record<string, unknown> {
  return redactObject(fields, 0, keys, SERIALIZED_KEYS)
}

function redactObject(
  object: Record<string, unknown>,
  depth: number,
  keys: ReadonlySet<string>,
  skipped?: ReadonlySet<string>,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined
  for (const key of Object.keys(object)) {
    if (skipped?.has(key)) continue
    const value = object[key]
    const shown =
      isRedactedKey(keys, key) && value !== undefined ? REDACTION_CENSOR : redact(value, depth + 1, keys)
    if (shown !== value) {
      copy ??= { ...object }
      copy[key] = shown
    }
  }
  return copy ?? object
}
