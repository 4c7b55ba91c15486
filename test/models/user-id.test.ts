import t from 'tap'
import { buildKey, isSubject, MAX_USER_ID_LENGTH, subjectOf, userIdOf } from '../../src/models/index.js'

// Subjects that lower-casing, case folding or Unicode normalisation would merge with another.
const LOOKALIKES = [
  'bob',
  'BOB',
  'Bob',
  'ｂｏｂ', // fullwidth
  'kate',
  '\u212Aate', // Kelvin sign
  'Kate',
  'fiona',
  '\uFB01ona', // ﬁ ligature
  'ivan',
  'IVAN',
  '\u0130van', // dotted capital I
  '\u0131van', // dotless small i
  'i\u0307van', // what İ lower-cases to
  'strasse',
  'STRASSE',
  'stra\u00dfe', // ß
  'STRA\u1E9EE', // ẞ
  'jos\u00e9', // precomposed
  'jose\u0301', // combining acute
  'JOS\u00c9',
  '%42ob', // looks like an encoded capital B
  '%2542ob',
  'a%zz',
]

t.test('lower-case subjects keep their ids, as Python-written data has them', async (t) => {
  for (const subject of [
    'alice',
    '3f2a9c1e-0000-4000-8000-000000000001',
    'auth0|5f7c8e',
    'x@y.example',
    'a~b',
  ]) {
    t.equal(userIdOf(subject), subject, subject)
  }
})

t.test('anything else is percent-encoded, UTF-8 bytes in lower-case hex', async (t) => {
  t.equal(userIdOf('BOB'), '%42%4f%42')
  t.equal(userIdOf('\u212Aate'), '%e2%84%aaate')
  t.equal(userIdOf('jose\u0301'), 'jose%cc%81')
  t.equal(userIdOf('100%'), '100%25', 'the escape character itself is escaped')
  t.equal(userIdOf('😀'), '%f0%9f%98%80', 'a character outside the BMP is one code point')
})

t.test('distinct subjects get distinct ids, and the ids survive the key builder', async (t) => {
  const ids = LOOKALIKES.map(userIdOf)
  t.equal(new Set(ids).size, LOOKALIKES.length, 'no two subjects share an id')
  const keys = ids.map((id) => buildKey(['user', id]))
  t.equal(new Set(keys).size, LOOKALIKES.length, 'nor a key')
  for (const [i, id] of ids.entries()) {
    t.equal(keys[i], `user#${id}`, `${JSON.stringify(LOOKALIKES[i])}: lower-casing leaves the id as it is`)
    t.notMatch(id, /[#\s]/, 'no separator or blank in an id')
  }
})

t.test('subjectOf gives every subject back', async (t) => {
  for (const subject of LOOKALIKES) t.equal(subjectOf(userIdOf(subject)), subject, JSON.stringify(subject))
  t.equal(subjectOf('a%zz'), 'a%zz', 'an id that is not an encoding comes back as it is')
})

t.test('what may be a subject', async (t) => {
  t.ok(isSubject('A'.repeat(128)), '128 capitals fit')
  t.equal(userIdOf('A'.repeat(128)).length, MAX_USER_ID_LENGTH)
  for (const [value, why] of [
    ['', 'empty'],
    ['a b', 'a blank'],
    ['a#b', 'the key separator'],
    ['a'.repeat(129), 'too long'],
    ['\uD800abc', 'half a surrogate pair'],
    ['abc\uDC00', 'the other half alone'],
    ['é'.repeat(65), 'an id too long for keys'],
    [42, 'not a string'],
  ] as const) {
    t.notOk(isSubject(value), why)
  }
  t.ok(isSubject('é'.repeat(64)), 'a shorter one fits')
  t.ok(isSubject('😀'.repeat(12)), 'so do characters outside the BMP')
})
