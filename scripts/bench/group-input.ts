// The inputs every library is measured on: complete groups (all fields, id and timestamps given),
// varied so that no library is measured on one cached value.
import { ulid } from 'ulid'
import type { Visibility } from '../../src/models/index.js'

export interface GroupInput {
  id: string
  tenantId: string
  userId: string
  name: string
  description: string
  groupType: string
  icon: string
  color: string
  privacySettings: { visibility: Visibility }
  modelVersion: number
  createdUtc: string
  updatedUtc: string
  version: number
}

const VISIBILITY_CYCLE: readonly Visibility[] = ['private', 'tenant', 'public']

export function groupInputs(count: number): GroupInput[] {
  const start = Date.parse('2024-01-15T10:30:00.000Z')
  return Array.from({ length: count }, (_, i) => {
    const created = new Date(start + i * 1_337_000).toISOString()
    return {
      id: ulid(start + i),
      tenantId: `tenant-${i % 7}`,
      userId: `user-${i % 13}`,
      name: `Group ${i} Of Readers`,
      description: `A group of readers, number ${i}, that meets on Tuesdays.`,
      groupType: ['book-club', 'team', 'project'][i % 3] as string,
      icon: 'book',
      color: '#3366ff',
      privacySettings: { visibility: VISIBILITY_CYCLE[i % 3] as Visibility },
      modelVersion: 1,
      createdUtc: created,
      updatedUtc: created,
      version: 1,
    }
  })
}
