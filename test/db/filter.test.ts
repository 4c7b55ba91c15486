import t from 'tap'
import { ExpressionAttributes } from '../../src/db/expression.js'
import { and, compileFilter, eq, type Filter, ne, notExists, or } from '../../src/db/filter.js'

function compile(filter: Filter) {
  const attributes = new ExpressionAttributes()
  const expression = compileFilter(filter, attributes)
  return { expression, attributes }
}

// An expression of placeholders, operators and parentheses only.
const PLACEHOLDERS_ONLY = /^(?:[#:][nv]\d+|[.()<>= ]|AND|OR|attribute_not_exists)+$/

t.test('eq and ne compile to placeholders with snake_case names', async (t) => {
  const equal = compile(eq('groupType', 'reading'))
  t.equal(equal.expression, '#n0 = :v0')
  t.strictSame(equal.attributes.names, { '#n0': 'group_type' })
  t.strictSame(equal.attributes.values, { ':v0': 'reading' })

  const notEqual = compile(ne('userId', 'alice'))
  t.equal(notEqual.expression, '#n0 <> :v0')
  t.strictSame(notEqual.attributes.names, { '#n0': 'user_id' })
  t.strictSame(notEqual.attributes.values, { ':v0': 'alice' })
})

t.test('values keep their type', async (t) => {
  const { attributes } = compile(and(eq('version', 3), eq('name', 'x'), ne('icon', false)))
  t.strictSame(attributes.values, { ':v0': 3, ':v1': 'x', ':v2': false })
})

t.test('a hostile value only ever appears among the values', async (t) => {
  const hostile = ['a) OR (#x', 'x = :v0 OR :v0', 'a" OR "1"="1', 'attribute_exists(pk)', ':v1', '#n0']
  for (const value of hostile) {
    const { expression, attributes } = compile(and(eq('name', value), ne('groupType', value)))
    t.equal(expression, '(#n0 = :v0 AND #n1 <> :v1)', JSON.stringify(value))
    t.match(expression, PLACEHOLDERS_ONLY)
    t.strictSame(attributes.values, { ':v0': value, ':v1': value })
    t.notOk(Object.values(attributes.names).includes(value), 'not among the names')
  }
})

t.test('a hostile value never reaches the expression text', async (t) => {
  for (const value of ['a) OR (#x', 'x = :v0 OR :v0', 'attribute_exists(pk)']) {
    t.notOk(compile(eq('name', value)).expression.includes(value), JSON.stringify(value))
  }
})

t.test('a hostile field name becomes a name placeholder, never expression text', async (t) => {
  const { expression, attributes } = compile(eq('a) OR (#x', 'v'))
  t.equal(expression, '#n0 = :v0')
  t.match(expression, PLACEHOLDERS_ONLY)
  t.strictSame(attributes.names, { '#n0': 'a) or (#x' })
})

t.test('a nested path is one placeholder per segment', async (t) => {
  const { expression, attributes } = compile(eq('privacySettings.visibility', 'tenant'))
  t.equal(expression, '#n0.#n1 = :v0')
  t.strictSame(attributes.names, { '#n0': 'privacy_settings', '#n1': 'visibility' })
  t.strictSame(attributes.values, { ':v0': 'tenant' })
})

t.test('notExists compiles to attribute_not_exists with no value', async (t) => {
  const { expression, attributes } = compile(notExists('deletedUtc'))
  t.equal(expression, 'attribute_not_exists(#n0)')
  t.strictSame(attributes.names, { '#n0': 'deleted_utc' })
  t.strictSame(attributes.values, {})
})

t.test('and/or are parenthesised so nesting keeps its meaning', async (t) => {
  const { expression, attributes } = compile(
    and(
      notExists('deletedUtc'),
      or(eq('userId', 'alice'), ne('privacySettings.visibility', 'private')),
      eq('groupType', 'reading'),
    ),
  )
  t.equal(expression, '(attribute_not_exists(#n0) AND (#n1 = :v0 OR #n2.#n3 <> :v1) AND #n4 = :v2)')
  t.match(expression, PLACEHOLDERS_ONLY)
  t.strictSame(attributes.names, {
    '#n0': 'deleted_utc',
    '#n1': 'user_id',
    '#n2': 'privacy_settings',
    '#n3': 'visibility',
    '#n4': 'group_type',
  })
  t.strictSame(attributes.values, { ':v0': 'alice', ':v1': 'private', ':v2': 'reading' })

  const orOfAnds = compile(or(and(eq('name', 'a'), eq('icon', 'b')), eq('color', 'c')))
  t.equal(orOfAnds.expression, '((#n0 = :v0 AND #n1 = :v1) OR #n2 = :v2)')
})

t.test('a name used twice shares one placeholder; values never do', async (t) => {
  const { expression, attributes } = compile(or(eq('name', 'a'), eq('name', 'a')))
  t.equal(expression, '(#n0 = :v0 OR #n0 = :v1)')
  t.strictSame(attributes.names, { '#n0': 'name' })
  t.strictSame(attributes.values, { ':v0': 'a', ':v1': 'a' })
})

t.test('placeholders continue after ones already taken by the caller', async (t) => {
  const attributes = new ExpressionAttributes()
  const key = `${attributes.name('pk')} = ${attributes.value('tenant#acme#group')}`
  const filter = compileFilter(eq('name', 'x'), attributes)
  t.equal(key, '#n0 = :v0')
  t.equal(filter, '#n1 = :v1')
  t.strictSame(attributes.names, { '#n0': 'pk', '#n1': 'name' })
})

t.test('toParams leaves out empty maps', async (t) => {
  t.strictSame(new ExpressionAttributes().toParams(), {}, 'nothing used')

  const namesOnly = new ExpressionAttributes()
  compileFilter(notExists('deletedUtc'), namesOnly)
  t.strictSame(namesOnly.toParams(), { ExpressionAttributeNames: { '#n0': 'deleted_utc' } })

  const valuesOnly = new ExpressionAttributes()
  valuesOnly.value(1)
  t.strictSame(valuesOnly.toParams(), { ExpressionAttributeValues: { ':v0': 1 } })

  const both = new ExpressionAttributes()
  compileFilter(eq('name', 'x'), both)
  t.strictSame(both.toParams(), {
    ExpressionAttributeNames: { '#n0': 'name' },
    ExpressionAttributeValues: { ':v0': 'x' },
  })
})
