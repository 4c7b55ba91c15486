// Optimistic concurrency over HTTP: every versioned item has ETag `"<version>"`, and writes may
// send If-Match with the version the client last saw.
import { z } from 'zod'

export const ifMatchHeaders = z.looseObject({ 'if-match': z.string().max(100).optional() })

export const etagOf = (version: number) => `"${version}"`

/**
 * The version an If-Match header names, or undefined when there is none or it is `*`.
 * A value that is no version of ours can never match; -1 makes the service answer 412.
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header)
  return match ? Number(match[1]) : -1
}
