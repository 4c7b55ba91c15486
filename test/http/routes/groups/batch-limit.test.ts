// A full batch of valid items fits the batch body limit however wide its characters are in JSON:
// CJK (3 bytes each in UTF-8), emoji (4 bytes for two code units), and control characters, which
// JSON.stringify writes as \u00XX (6 bytes each), in both API versions.
import t from 'tap'
import { MAX_GROUP_BATCH as MAX_BATCH_CREATE } from '../../../../src/http/routes/groups/schemas.js'
import { BATCH_BODY_LIMIT_BYTES } from '../../../../src/resources/groups.js'
import { buildTestApp } from '../../../helpers/app.js'

/** Every string at its maximum length (in UTF-16 code units) made of `char`. */
function widestItem(char: string, version: 'v1' | 'v2') {
  const fill = (length: number) => char.repeat(length / char.length)
  const common = { name: fill(200), description: fill(2000), icon: fill(200), color: fill(50) }
  return version === 'v2'
    ? { ...common, groupType: 'g'.repeat(50), privacySettings: { visibility: 'private' } }
    : { ...common, type: 'g'.repeat(50), isPrivate: false }
}

const batchOf = (char: string, version: 'v1' | 'v2') =>
  JSON.stringify({ items: Array.from({ length: MAX_BATCH_CREATE }, () => widestItem(char, version)) })

t.test('every full batch of the widest valid items is within the limit', async (t) => {
  const kinds = { control: '\u0000', cjk: '\u6f22', emoji: '\u{1f600}', ascii: 'x' }
  for (const version of ['v1', 'v2'] as const) {
    for (const [kind, char] of Object.entries(kinds)) {
      const size = Buffer.byteLength(batchOf(char, version))
      t.ok(size <= BATCH_BODY_LIMIT_BYTES, `${version} ${kind}: ${size} bytes`, {
        limit: BATCH_BODY_LIMIT_BYTES,
      })
    }
  }
  // The limit is not a generous guess: only groupType, whose pattern admits ASCII alone, is counted
  // at six bytes a character although it never takes more than one.
  const widest = Buffer.byteLength(batchOf('\u0000', 'v2'))
  t.equal(BATCH_BODY_LIMIT_BYTES - widest, MAX_BATCH_CREATE * 50 * 5, 'the limit is the widest body')
})

t.test('the widest full batch is written, every item of it', async (t) => {
  const { as } = await buildTestApp(t)
  const alice = as('acme', 'alice', ['member'])
  const payload = batchOf('\u0000', 'v2')
  t.ok(Buffer.byteLength(payload) > 14 * 1_048_576, 'the body is over 14 MiB')
  const response = await alice({
    method: 'POST',
    url: '/v2/groups/batch',
    payload,
    headers: { 'content-type': 'application/json' },
  })
  t.equal(response.statusCode, 200, 'not a 413', { body: response.body.slice(0, 300) })
  const outcomes: { index: number; id?: string }[] = response.json().data
  t.equal(outcomes.length, MAX_BATCH_CREATE, 'one outcome per item')
  t.ok(
    outcomes.every((outcome, index) => outcome.index === index && typeof outcome.id === 'string'),
    'every item was written',
    { failed: outcomes.filter((outcome) => !outcome.id).slice(0, 3) },
  )
  const read = await alice({ method: 'GET', url: `/v2/groups/${outcomes[999]?.id}` })
  t.same(read.json().data.description, '\u0000'.repeat(2000), 'stored as sent')
})
