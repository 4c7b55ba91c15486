// How groups look in each API version, relative to the v2 shape the handlers speak.
import type { VersionChanges } from '../../versioning/schema-change.js'
import { GROUP_CHANGES_V1 } from './v1.js'

export const GROUP_VERSIONS: VersionChanges = {
  v1: GROUP_CHANGES_V1,
  v2: [],
}
