// The bad-input matrix over every declared resource inside a tenant (TENANT_RESOURCES): bodies that
// are no JSON object, fields that are unknown, server-set or of the wrong kind, ids the path refuses,
// list queries out of range, bad If-Match and Idempotency-Key headers, and bad batches. Each is refused with its 4xx
// in the error envelope, naming the bad field, and leaves the table as it was. Bodies come from the
// schemas' examples (examples.ts), so a resource added to the list is in this matrix at once.
import type { InjectOptions } from 'fastify'
import t from 'tap'
import { ulid } from 'ulid'
import type { z } from 'zod'
import { takesOpaqueId } from '../../src/http/schemas/resource-schemas.js'
import { API_VERSIONS } from '../../src/http/versioning/versions.js'
import { buildTestApp } from '../helpers/app.js'
import { expectError } from '../helpers/expect.js'
import { scanTable } from '../helpers/table.js'
import { bodiesOf, schemaIn, TENANT_RESOURCES } from './examples.js'

type Body = Record<string, unknown>
interface Expected {
  status: number
  code: string
  fields?: (string | RegExp)[]
}
type Case = [what: string, request: InjectOptions, expected: Expected]

const BODY_LIMIT_BYTES = 1_048_576
const invalid = (...fields: (string | RegExp)[]): Expected => ({
  status: 400,
  code: 'VALIDATION_ERROR',
  fields,
})
const NO_SUCH_ID: Expected = { status: 404, code: 'NOT_FOUND' }
const SERVER_SET = ['id', 'tenantId', 'userId', 'version', 'createdUtc', 'updatedUtc', 'deletedUtc']
// No field of a JSON body takes this: an object with a key nobody declares.
const NOTHING_TAKES = { 'no such key': [] }

/** The field, or one of its items or fields (`fields.0`). */
const fieldOrItem = (field: string) => new RegExp(`^${field}(\\.|$)`)

/** Bodies that are not one JSON object, or not JSON, or too large. */
function bodyCases(method: 'POST' | 'PATCH', url: string, valid: Body, limit = BODY_LIMIT_BYTES): Case[] {
  const raw = (payload: string, contentType = 'application/json'): InjectOptions => ({
    method,
    url,
    payload,
    headers: { 'content-type': contentType },
  })
  const padded = JSON.stringify({ ...valid, padding: '' })
  const tooLarge = JSON.stringify({ ...valid, padding: 'x'.repeat(limit + 1 - padded.length) })
  return [
    [`${method} ${url} malformed JSON`, raw('{"a":'), invalid('body')],
    [`${method} ${url} an empty body`, raw(''), invalid('body')],
    [`${method} ${url} a JSON array`, raw('[]'), invalid('body')],
    [`${method} ${url} null`, raw('null'), invalid('body')],
    [
      `${method} ${url} text/plain`,
      raw(JSON.stringify(valid), 'text/plain'),
      { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    ],
    [`${method} ${url} over the body limit`, raw(tooLarge), { status: 413, code: 'PAYLOAD_TOO_LARGE' }],
  ]
}

/**
 * For each field, the body with that field set to `value`, where the schema refuses it: a field a
 * resource takes from the client (a user's id) is not refused, so it is not tried.
 */
function refused(schema: z.ZodType, body: Body, fields: readonly string[], value: unknown) {
  return fields
    .map((field): [string, Body] => [field, { ...body, [field]: value }])
    .filter(([, changed]) => !schema.safeParse(changed).success)
}

t.test('bad input to every declared resource', async (t) => {
  const testApp = await buildTestApp(t)
  const alice = testApp.as('acme', 'alice', ['tenant_admin'])
  const seen: string[] = []

  for (const resource of TENANT_RESOURCES) {
    const { create } = bodiesOf(resource, 'v2')
    const made = await alice({ method: 'POST', url: `/v2${resource.path}`, payload: create })
    t.equal(made.statusCode, 201, `an item of ${resource.path} to aim at`)
    const { id, version } = made.json().data
    const before = await scanTable(testApp)

    for (const v of API_VERSIONS) {
      const bodies = bodiesOf(resource, v)
      const base = `/${v}${resource.path}`
      const url = `${base}/${id}`
      const post = (payload: unknown, headers = {}): InjectOptions => ({
        method: 'POST',
        url: base,
        payload: payload as Body,
        headers,
      })
      const patch = (payload: unknown, headers = {}, at = url): InjectOptions => ({
        method: 'PATCH',
        url: at,
        payload: payload as Body,
        headers,
      })
      const creates = schemaIn(resource, v, resource.schemas.create)
      const updates = schemaIn(resource, v, resource.schemas.update)
      const cases: Case[] = [
        ...bodyCases('POST', base, bodies.create),
        ...bodyCases('PATCH', url, bodies.update),
        ['POST an empty object', post({}), invalid()],
        ['POST an unknown field', post({ ...bodies.create, unknownField: 1 }), invalid('unknownField')],
        ...refused(creates, bodies.create, SERVER_SET, 'x').map(
          ([field, body]): Case => [`POST ${field}`, post(body), invalid(field)],
        ),
        ...refused(creates, bodies.create, Object.keys(bodies.create), NOTHING_TAKES).map(
          ([field, body]): Case => [
            `POST ${field} of the wrong kind`,
            post(body),
            invalid(fieldOrItem(field)),
          ],
        ),
        ['PATCH no field', patch({}), invalid()],
        ['PATCH an unknown field', patch({ ...bodies.update, unknownField: 1 }), invalid('unknownField')],
        ...refused(updates, bodies.update, SERVER_SET, 'x').map(
          ([field, body]): Case => [`PATCH ${field}`, patch(body), invalid(field)],
        ),
        ...refused(updates, bodies.update, Object.keys(bodies.update), NOTHING_TAKES).map(
          ([field, body]): Case => [
            `PATCH ${field} of the wrong kind`,
            patch(body),
            invalid(fieldOrItem(field)),
          ],
        ),
        [
          'PATCH a stale If-Match',
          patch(bodies.update, { 'if-match': `"${version + 1}"` }),
          { status: 412, code: 'PRECONDITION_FAILED' },
        ],
        [
          'PATCH an If-Match of 101 characters',
          patch(bodies.update, { 'if-match': `"${'1'.repeat(99)}"` }),
          invalid('if-match'),
        ],
        [
          'DELETE a stale If-Match',
          { method: 'DELETE', url, headers: { 'if-match': `"${version + 1}"` } },
          { status: 412, code: 'PRECONDITION_FAILED' },
        ],
        [
          'POST an Idempotency-Key of 300 characters',
          post(bodies.create, { 'idempotency-key': 'k'.repeat(300) }),
          invalid('Idempotency-Key'),
        ],
        [
          'POST an Idempotency-Key with a space',
          post(bodies.create, { 'idempotency-key': 'a key' }),
          invalid('Idempotency-Key'),
        ],
      ]
      // Ids the path refuses: an opaque id that can name no item answers 404 like a missing one
      // (even beside a bad body); a user's id, a subject, has rules of its own (400).
      const params = schemaIn(resource, v, resource.schemas.params)
      const opaque = takesOpaqueId(resource.schemas.params)
      const idRefused = opaque ? NO_SUCH_ID : invalid('id')
      const badIds = ['x%23y', '%20', 'a.b', '%C3%A9', 'i'.repeat(65), 'i'.repeat(1000), `${ulid()}%0A`]
      for (const bad of badIds.filter((bad) => !params.safeParse({ id: decodeURIComponent(bad) }).success)) {
        cases.push([`GET id ${bad}`, { method: 'GET', url: `${base}/${bad}` }, idRefused])
        cases.push([`PATCH id ${bad}`, patch(bodies.update, {}, `${base}/${bad}`), idRefused])
        cases.push([`PATCH id ${bad} with a bad body`, patch(NOTHING_TAKES, {}, `${base}/${bad}`), idRefused])
        cases.push([`DELETE id ${bad}`, { method: 'DELETE', url: `${base}/${bad}` }, idRefused])
      }
      // Well-formed ids of no item: looked up, and missing.
      for (const missing of opaque ? ['not-a-ulid', ulid().slice(1), `${ulid()}0`, 'i'.repeat(64)] : []) {
        cases.push([`GET id ${missing}`, { method: 'GET', url: `${base}/${missing}` }, NO_SUCH_ID])
        cases.push([`DELETE id ${missing}`, { method: 'DELETE', url: `${base}/${missing}` }, NO_SUCH_ID])
      }
      for (const query of [
        'limit=0',
        'limit=101',
        'limit=ten',
        'cursor=',
        'cursor=garbage',
        'fields=noSuchField',
        'tenantId=globex',
      ]) {
        cases.push([
          `GET ?${query}`,
          { method: 'GET', url: `${base}?${query}` },
          invalid(fieldOrItem(query.split('=')[0] ?? '')),
        ])
      }
      if (resource.batch && resource.schemas.batch) {
        const batch = (payload: unknown): InjectOptions => ({
          method: 'POST',
          url: `${base}/batch`,
          payload: payload as Body,
        })
        const items = Array.from({ length: resource.batch.max + 1 }, () => bodies.create)
        cases.push(
          ...bodyCases('POST', `${base}/batch`, { items: [bodies.create] }, resource.batch.bodyLimitBytes),
          ['batch without items', batch({}), invalid('items')],
          ['batch of no items', batch({ items: [] }), invalid('items')],
          ['batch items as an object', batch({ items: bodies.create }), invalid('items')],
          [`batch of ${items.length} items`, batch({ items }), invalid('items')],
          [
            'batch with a tenantId',
            batch({ items: [bodies.create], tenantId: 'globex' }),
            invalid('tenantId'),
          ],
        )
      }

      for (const [what, request, expected] of cases) {
        const response = await alice(request)
        seen.push(`${what}: ${response.statusCode}`)
        expectError(t, response, expected.status, expected.code, `${base}: ${what}`, expected.fields)
      }
    }
    t.strictSame(await scanTable(testApp), before, `${resource.path}: nothing was written, not even in part`)
  }
  t.ok(seen.length > TENANT_RESOURCES.length * 100, 'the matrix ran', { count: seen.length })
})
