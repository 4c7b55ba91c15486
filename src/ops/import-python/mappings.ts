// The models the importer can map, by the `model_name` the Python services store. Another model is
// imported by adding its mapping here (see group-mapping.ts); until then its items are rejected as
// `unknown model`, never skipped silently.
import { groupMapping } from './group-mapping.js'
import type { PythonMapping } from './mapping.js'

export const PYTHON_MAPPINGS: Readonly<Record<string, PythonMapping>> = {
  group: groupMapping,
}
