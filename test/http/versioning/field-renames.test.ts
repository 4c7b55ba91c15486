import t from 'tap'
import { z } from 'zod'
import {
  type FieldRenames,
  fieldNameToCurrent,
  fieldNameToVersion,
  fieldsToCurrent,
  fieldsToVersion,
  shapeToVersion,
} from '../../../src/http/versioning/field-renames.js'

const RENAMES: FieldRenames = {
  kind: { name: 'type' },
  limits: {
    name: 'isLimited',
    toVersion: (limits: { max: number | null }) => limits.max !== null,
    toCurrent: (isLimited: boolean) => ({ max: isLimited ? 10 : null }),
  },
}

t.test('fieldsToVersion renames and converts, keeping the field order and other fields', async (t) => {
  const converted = fieldsToVersion(RENAMES, { id: 'a', kind: 'team', limits: { max: 3 }, name: 'n' })
  t.strictSame(converted, { id: 'a', type: 'team', isLimited: true, name: 'n' })
  t.same(Object.keys(converted as object), ['id', 'type', 'isLimited', 'name'])
  t.strictSame(fieldsToVersion(RENAMES, { limits: { max: null } }), { isLimited: false })
  t.strictSame(fieldsToVersion(RENAMES, { id: 'a' }), { id: 'a' }, 'a projection without changed fields')
  t.equal(fieldsToVersion(RENAMES, null), null)
  t.strictSame(fieldsToVersion(RENAMES, ['kind']), ['kind'], 'only plain objects are converted')
})

t.test('fieldsToCurrent is the way back', async (t) => {
  t.strictSame(fieldsToCurrent(RENAMES, { type: 'club', isLimited: false, name: 'n' }), {
    kind: 'club',
    limits: { max: null },
    name: 'n',
  })
  t.strictSame(fieldsToCurrent(RENAMES, { isLimited: true }), { limits: { max: 10 } })
  t.strictSame(fieldsToCurrent(RENAMES, { kind: 'x' }), { kind: 'x' }, 'a handler name passes as it is')
})

t.test('field names, both ways', async (t) => {
  t.equal(fieldNameToVersion(RENAMES, 'kind'), 'type')
  t.equal(fieldNameToVersion(RENAMES, 'limits'), 'isLimited')
  t.equal(fieldNameToVersion(RENAMES, 'id'), 'id')
  t.equal(fieldNameToCurrent(RENAMES, 'type'), 'kind')
  t.equal(fieldNameToCurrent(RENAMES, 'isLimited'), 'limits')
  t.equal(fieldNameToCurrent(RENAMES, 'name'), 'name')
})

t.test('shapeToVersion renames a shape and takes the schemas of changed values', async (t) => {
  const kind = z.string().min(2)
  const shape = { id: z.string(), kind, limits: z.object({ max: z.number().nullable() }) }
  const isLimited = z.boolean()
  const versioned = shapeToVersion(shape, RENAMES, { isLimited })
  t.same(Object.keys(versioned), ['id', 'type', 'isLimited'])
  t.equal(versioned.type, kind, 'a renamed field keeps its schema')
  t.equal(versioned.isLimited, isLimited)
  t.equal(versioned.id, shape.id)

  t.throws(() => shapeToVersion(shape, RENAMES), /isLimited/, 'a changed value needs its schema')
  t.throws(() => shapeToVersion(shape, RENAMES, { isLimited, typo: z.string() }), /typo/)
})
