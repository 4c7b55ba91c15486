import t from 'tap'
import {
  REDACTED_KEYS,
  REDACTION_CENSOR,
  redact,
  redactLogFields,
} from '../../src/observability/redaction.js'

t.test('redacted keys are found at any depth, in objects and arrays, whatever their case', async (t) => {
  const value = {
    a: { b: { c: { d: { e: { email: 'deep@example.com', name: 'kept' } } } } },
    list: [{ Phone: '+15550003' }, 'plain', 7],
    headers: { 'X-Api-Key': 'key-value', 'Set-Cookie': ['a=1'], accept: 'application/json' },
  }
  t.strictSame(redact(value), {
    a: { b: { c: { d: { e: { email: REDACTION_CENSOR, name: 'kept' } } } } },
    list: [{ Phone: REDACTION_CENSOR }, 'plain', 7],
    headers: { 'X-Api-Key': REDACTION_CENSOR, 'Set-Cookie': REDACTION_CENSOR, accept: 'application/json' },
  })
  t.equal(value.a.b.c.d.e.email, 'deep@example.com', 'the logged object itself is not changed')
  t.equal(value.headers['X-Api-Key'], 'key-value')
})

t.test('a value with nothing to redact is returned as it is, not copied', async (t) => {
  const fields = { method: 'GET', route: '/v2/groups/:id', status: 200, nested: { list: [1, { id: 'x' }] } }
  t.equal(redact(fields), fields)
  t.equal(redactLogFields(fields), fields)
  t.equal(redact('text'), 'text')
  t.equal(redact(null), null)
})

t.test('what JSON.stringify would write is what gets redacted', async (t) => {
  class Contact {
    constructor(readonly email: string) {}
  }
  const withToJson = { toJSON: () => ({ phone: '+15550004', id: 'p1' }) }
  const error = Object.assign(new Error('boom'), { email: 'error@example.com' })
  t.strictSame(redact({ contact: new Contact('class@example.com'), withToJson, error }), {
    contact: { email: REDACTION_CENSOR },
    withToJson: { phone: REDACTION_CENSOR, id: 'p1' },
    error: { email: REDACTION_CENSOR },
  })
  t.equal(redact(new Date(0)), '1970-01-01T00:00:00.000Z')
})

t.test('serialized keys are left to their serializers', async (t) => {
  const err = Object.assign(new Error('boom'), { email: 'error@example.com' })
  const fields = { err, email: 'top@example.com' }
  const redacted = redactLogFields(fields)
  t.equal(redacted.err, err, 'the error reaches the err serializer as an Error')
  t.equal(redacted.email, REDACTION_CENSOR)
})

t.test('cyclic and very deep values end in a marker instead of looping', async (t) => {
  const cyclic: Record<string, unknown> = { name: 'loop' }
  cyclic.self = cyclic
  const text = JSON.stringify(redact(cyclic))
  t.match(text, /\[too deep\]/)
})

t.test('encrypted model fields are redacted under their own and their stored names', async (t) => {
  for (const key of ['authorization', 'cookie', 'email', 'phone', 'responsebody', 'response_body']) {
    t.ok(REDACTED_KEYS.has(key), key)
  }
  t.notOk(REDACTED_KEYS.has('name'))
})
