// What makes a retry with an Idempotency-Key the same request: the method, the URL and the JSON
// body as sent, whatever order its keys come in. A retry with the keys reordered, at any depth and
// in items that fail validation too, replays the first answer; a body that differs in one nested
// value is another request (422). Either way the retry writes nothing.
import type { LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { expectError, expectReplay } from '../helpers/expect.js'
import { scanTable } from '../helpers/table.js'

interface Case {
  url: string
  /** The first request's body, as sent. */
  sent: string
  /** The same data, its keys in another order (and other blanks). */
  reordered: string
  /** Bodies that differ from `sent` in one nested value. */
  others: Record<string, string>
}

const CASES: Record<string, Case> = {
  'a group': {
    url: '/v2/groups',
    sent: '{"name":"a","groupType":"team","privacySettings":{"visibility":"tenant"}}',
    reordered: '{ "privacySettings": { "visibility": "tenant" }, "groupType": "team", "name": "a" }',
    others: {
      'another visibility': '{"name":"a","groupType":"team","privacySettings":{"visibility":"private"}}',
    },
  },
  // The second item fails validation; it is kept as sent, nested keys and all.
  'a batch with an invalid item': {
    url: '/v2/groups/batch',
    sent: '{"items":[{"name":"a","groupType":"team"},{"name":"b","groupType":"team","extra":{"x":1,"y":[1,{"p":1,"q":2}]},"more":true}]}',
    reordered:
      '{"items":[{"groupType":"team","name":"a"},{"more":true,"extra":{"y":[1,{"q":2,"p":1}],"x":1},"groupType":"team","name":"b"}]}',
    others: {
      'another nested value':
        '{"items":[{"name":"a","groupType":"team"},{"name":"b","groupType":"team","extra":{"x":1,"y":[1,{"p":1,"q":3}]},"more":true}]}',
      'a nested array in another order':
        '{"items":[{"name":"a","groupType":"team"},{"name":"b","groupType":"team","extra":{"x":1,"y":[{"p":1,"q":2},1]},"more":true}]}',
      'the items in another order':
        '{"items":[{"name":"b","groupType":"team","extra":{"x":1,"y":[1,{"p":1,"q":2}]},"more":true},{"name":"a","groupType":"team"}]}',
    },
  },
  'a user': {
    url: '/v2/users',
    sent: '{"id":"zed","email":"zed@acme.example","name":"Zed"}',
    reordered: '{"name":"Zed","email":"zed@acme.example","id":"zed"}',
    others: { 'another email': '{"id":"zed","email":"zed@globex.example","name":"Zed"}' },
  },
}

t.test('a retry is the same request whatever the order of its keys', async (t) => {
  const app = await buildTestApp(t)
  const alice = app.as('acme', 'alice', ['tenant_admin'])
  const post = (key: string, url: string, payload: string): Promise<LightMyRequestResponse> =>
    alice({
      method: 'POST',
      url,
      payload,
      headers: { 'idempotency-key': key, 'content-type': 'application/json' },
    })

  for (const [what, { url, sent, reordered, others }] of Object.entries(CASES)) {
    const key = `key-${url}`
    const first = await post(key, url, sent)
    t.ok(first.statusCode === 200 || first.statusCode === 201, `${what}: the first request succeeds`, {
      body: first.body.slice(0, 300),
    })
    const stored = await scanTable(app)
    expectReplay(t, first, await post(key, url, reordered), `${what}, keys reordered`)
    for (const [other, body] of Object.entries(others)) {
      expectError(t, await post(key, url, body), 422, 'IDEMPOTENCY_KEY_REUSED', `${what}, ${other}`)
    }
    t.same(await scanTable(app), stored, `${what}: the retries wrote nothing`)
  }
})

t.test('a body nested deeper than the call stack is fingerprinted like any other', async (t) => {
  const app = await buildTestApp(t)
  const alice = app.as('acme', 'alice', ['tenant_admin'])
  const depth = 100_000
  const payload = `{"items":[{"name":"a","groupType":"team"},${'['.repeat(depth)}${']'.repeat(depth)}]}`
  const post = () =>
    alice({
      method: 'POST',
      url: '/v2/groups/batch',
      payload,
      headers: { 'idempotency-key': 'deep', 'content-type': 'application/json' },
    })
  const first = await post()
  t.equal(first.statusCode, 200, 'the batch is answered', { body: first.body.slice(0, 300) })
  t.match(first.json().data, [
    { index: 0, id: String },
    { index: 1, error: { code: 'VALIDATION_ERROR' } },
  ])
  expectReplay(t, first, await post(), 'its retry')
})
