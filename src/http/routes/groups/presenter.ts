import { type Group, subjectOf } from '../../../models/index.js'
import { GROUP_RESPONSE_FIELDS } from './schemas.js'

export type GroupResponseField = (typeof GROUP_RESPONSE_FIELDS)[number]

/** The v2 representation of a group, optionally cut down to the requested fields. */
export function presentGroup(group: Group, fields: readonly GroupResponseField[] = GROUP_RESPONSE_FIELDS) {
  const body: Partial<Record<GroupResponseField, unknown>> = {}
  for (const field of fields) body[field] = field === 'userId' ? subjectOf(group.userId) : group[field]
  return body
}
