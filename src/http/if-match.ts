// Optimistic concurrency over HTTP: every versioned item has ETag `"<version>"`, and writes may
// send If-Match with the version the client last saw.
import { z } from 'zod'
import type { ExpectedVersions } from '../services/expected-versions.js'

export const ifMatchHeaders = z.looseObject({ 'if-match': z.string().max(100).optional() })

export const etagOf = (version: number) => `"${version}"`

// RFC 9110 §8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; If-Match is "*" or a list of them.
const ENTITY_TAG = String.raw`(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"`
const ENTITY_TAG_LIST = new RegExp(String.raw`^[ \t,]*${ENTITY_TAG}(?:[ \t]*,[ \t,]*${ENTITY_TAG})*[ \t,]*$`)
const OUR_ETAG = /^"(?:0|[1-9]\d{0,14})"$/

/**
 * The versions an If-Match header accepts, or undefined when there is none or it is `*` (any
 * current version; a missing item is still 404). If-Match compares strongly: a weak tag (`W/"1"`)
 * never matches, nor does a tag that is not exactly one of our ETags, nor a malformed header — an
 * empty list, which the service answers with 412.
 */
export function parseIfMatch(header: string | undefined): ExpectedVersions {
  if (header === undefined || header.trim() === '*') return undefined
  if (!ENTITY_TAG_LIST.test(header)) return []
  const tags = header.match(new RegExp(ENTITY_TAG, 'g')) ?? []
  return tags.filter((tag) => OUR_ETAG.test(tag)).map((tag) => Number(tag.slice(1, -1)))
}
