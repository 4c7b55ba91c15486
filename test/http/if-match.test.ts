import t from 'tap'
import { etagOf, parseIfMatch } from '../../src/http/if-match.js'

t.test('If-Match: `*` or absent accepts any version; strong tags name versions', async (t) => {
  t.equal(parseIfMatch(undefined), undefined)
  t.equal(parseIfMatch('*'), undefined)
  t.equal(parseIfMatch(' * '), undefined)
  t.same(parseIfMatch('"3"'), [3])
  t.same(parseIfMatch('"1", "2" ,"30"'), [1, 2, 30], 'a list: any of them')
  t.same(parseIfMatch('"1",,\t"2"'), [1, 2], 'empty list elements are allowed')
  t.same(parseIfMatch('"abc", "7"'), [7], 'foreign tags in a list are ignored')
})

t.test('If-Match compares strongly: weak, foreign and malformed tags never match', async (t) => {
  for (const header of [
    'W/"1"',
    'W/"1", W/"2"',
    '"01"',
    '"1.0"',
    '"-1"',
    '" 1"',
    '"1',
    '1',
    'garbage',
    '*, "1"',
    '"1" "2"',
    '',
  ]) {
    t.same(parseIfMatch(header), [], header)
  }
  t.same(parseIfMatch('W/"1", "2"'), [2], 'only the strong tag of a list counts')
})

t.test('etagOf quotes the version, and parseIfMatch reads it back', async (t) => {
  t.equal(etagOf(5), '"5"')
  t.strictSame(parseIfMatch(etagOf(12)), [12])
})
