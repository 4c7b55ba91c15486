// A kept response larger than one DynamoDB item (400 KB) is kept in parts beside its key's record,
// each encrypted: a batch of 1000 items, nearly all invalid with several details each, answers
// well over 400 KB. The retry gets it back byte for byte, and the one valid item is written once.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { scanTable, storedGroups } from '../helpers/table.js'

t.test('a batch answer too large for one item is kept in parts and replayed whole', async (t) => {
  const app = await buildTestApp(t)
  const alice = app.as('acme', 'alice', ['tenant_admin'])
  const invalid = {
    name: '',
    groupType: 'Not A Type',
    icon: 5,
    color: 6,
    privacySettings: { visibility: 'x' },
  }
  const items = Array.from({ length: 1000 }, (_, index) =>
    index === 500 ? { name: 'the valid one', groupType: 'team' } : { ...invalid, unknown: index },
  )
  const batch = {
    method: 'POST' as const,
    url: '/v2/groups/batch',
    payload: { items },
    headers: { 'idempotency-key': 'large-answer' },
  }

  const first = await alice(batch)
  t.equal(first.statusCode, 200)
  t.ok(first.body.length > 400_000, `the answer is ${first.body.length} bytes, more than one item holds`)
  const retry = await alice(batch)
  t.equal(retry.statusCode, 200, 'the retry is answered')
  t.equal(retry.headers['idempotent-replayed'], 'true', 'from the kept answer')
  t.equal(retry.body, first.body, 'byte for byte')
  const written = (await storedGroups(app, 'acme')).filter((group) => group.name === 'the valid one')
  t.equal(written.length, 1, 'the valid item was written once')

  const parts = (await scanTable(app)).filter((item) => item.model_name === 'idempotency_response_part')
  t.ok(parts.length >= 2, `kept in ${parts.length} parts`)
  for (const part of parts) {
    t.match(part.body, /^enc1\./, 'each part is encrypted')
    t.ok(typeof part.expires_at === 'number', 'and expires with its record')
  }
})
