import { readFileSync } from 'node:fs'
import { STATUS_CODES } from 'node:http'
import { join } from 'node:path'
import t from 'tap'
import { projectRoot } from '../../scripts/dynamodb-local.js'
import { AppError } from '../../src/errors/app-error.js'
import { codeOfStatus, codesWithStatus, ERROR_CATALOGUE, ERROR_CODES } from '../../src/errors/catalogue.js'

t.test('every code has a status, a safe message and an example', async (t) => {
  t.ok(ERROR_CODES.length > 0)
  for (const code of ERROR_CODES) {
    const { status, message, example } = ERROR_CATALOGUE[code]
    t.ok(Number.isInteger(status) && status >= 400 && status <= 599, `${code}: an error status`)
    t.type(STATUS_CODES[status], 'string', `${code}: ${status} is an HTTP status`)
    t.ok(message.trim().length > 0, `${code}: a message`)
    t.ok(example.message.trim().length > 0, `${code}: an example message`)
    for (const detail of example.details ?? []) {
      t.ok(detail.field.length > 0 && detail.message.length > 0, `${code}: a well-formed example detail`)
    }
  }
})

t.test('an AppError takes its status, and its message when none is given, from the catalogue', async (t) => {
  for (const code of ERROR_CODES) {
    const error = new AppError(code)
    t.equal(error.status, ERROR_CATALOGUE[code].status, `${code} status`)
    t.equal(error.message, ERROR_CATALOGUE[code].message, `${code} message`)
    t.equal(new AppError(code, 'said otherwise').status, ERROR_CATALOGUE[code].status)
  }
})

t.test('a status stands for its codes; a bare status for its first general one', async (t) => {
  for (const code of ERROR_CODES) {
    const { status, specific } = ERROR_CATALOGUE[code]
    t.ok(codesWithStatus(status).includes(code), `${status} includes ${code}`)
    const bare = codeOfStatus(status)
    if (bare) t.equal(ERROR_CATALOGUE[bare].status, status, `a bare ${status} is ${bare}`)
    if (!specific) t.ok(bare, `a bare ${status} has a code`)
  }
  t.strictSame(codesWithStatus(403), ['FORBIDDEN', 'TENANT_SUSPENDED'])
  t.equal(codeOfStatus(403), 'FORBIDDEN')
  t.equal(codeOfStatus(422), undefined, 'a bare 422 is no reused Idempotency-Key')
  t.equal(codeOfStatus(416), undefined)
  t.strictSame(codesWithStatus(416), [])
})

t.test("the HTTP contract's table of codes is the catalogue's", async (t) => {
  const table = new Map<string, number>()
  for (const [, codes = '', status] of readFileSync(join(projectRoot, 'docs/api.md'), 'utf8').matchAll(
    /^\| (`[A-Z_]+`[^|]*?) +\| (\d{3}) +\|$/gm,
  )) {
    const named = codes.split('(')[0] ?? ''
    for (const [, code = ''] of named.matchAll(/`([A-Z_]+)`/g)) table.set(code, Number(status))
  }
  t.strictSame(
    Object.fromEntries([...table].sort()),
    Object.fromEntries(ERROR_CODES.map((code) => [code, ERROR_CATALOGUE[code].status]).sort()),
    'docs/api.md lists every code with its status, and no other',
  )
})
