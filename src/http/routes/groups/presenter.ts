import type { Group } from '../../../models/index.js'
import { GROUP_RESPONSE_FIELDS } from './schemas.js'

export type GroupResponseField = (typeof GROUP_RESPONSE_FIELDS)[number]

/** The v2 representation of a group, optionally cut down to the requested fields. */
export function presentGroup(group: Group, fields: readonly GroupResponseField[] = GROUP_RESPONSE_FIELDS) {
  const body: Partial<Record<GroupResponseField, unknown>> = {}
  for (const field of fields) body[field] = group[field]
  return body
}

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
