import t, { type Test } from 'tap'
import { AppError } from '../../../../src/errors/app-error.js'
import { identityFromClaims, type TokenClaims } from '../../../../src/http/plugins/app/authentication.js'

function assertUnauthorized(t: Test, claims: TokenClaims, label: string) {
  let thrown: unknown
  try {
    identityFromClaims(claims)
  } catch (error) {
    thrown = error
  }
  t.ok(thrown instanceof AppError, `${label}: throws an AppError`)
  t.equal((thrown as AppError | undefined)?.code, 'UNAUTHORIZED', `${label}: code`)
  t.equal((thrown as AppError | undefined)?.status, 401, `${label}: status`)
}

t.test('an identity from tenant_id, sub and roles', async (t) => {
  t.strictSame(identityFromClaims({ sub: 'alice', tenant_id: 'acme', roles: ['tenant_admin'] }), {
    tenantId: 'acme',
    userId: 'alice',
    roles: ['tenant_admin'],
  })
})

t.test('Cognito claims: custom:tenant_id and cognito:groups', async (t) => {
  const context = identityFromClaims({
    sub: '3f2a9c1e-0000-4000-8000-000000000001',
    'custom:tenant_id': 'globex',
    'cognito:groups': ['member'],
  })
  t.strictSame(context, {
    tenantId: 'globex',
    userId: '3f2a9c1e-0000-4000-8000-000000000001',
    roles: ['member'],
  })
})

t.test('tenant_id wins over custom:tenant_id, roles over cognito:groups', async (t) => {
  const context = identityFromClaims({
    sub: 'alice',
    tenant_id: 'acme',
    'custom:tenant_id': 'globex',
    roles: ['member'],
    'cognito:groups': ['tenant_admin'],
  })
  t.equal(context.tenantId, 'acme')
  t.strictSame(context.roles, ['member'])
})

t.test('no roles claim means no roles', async (t) => {
  t.strictSame(identityFromClaims({ sub: 'alice', tenant_id: 'acme' }).roles, [])
  t.strictSame(identityFromClaims({ sub: 'alice', tenant_id: 'acme', roles: [] }).roles, [])
})

t.test('unknown roles are dropped, known ones kept in order', async (t) => {
  const context = identityFromClaims({
    sub: 'alice',
    tenant_id: 'acme',
    roles: ['superuser', 'member', 42, null, 'TENANT_ADMIN', 'platform_admin', { role: 'member' }, 'admin'],
  })
  t.strictSame(context.roles, ['member', 'platform_admin'])
  const cognito = identityFromClaims({
    sub: 'alice',
    tenant_id: 'acme',
    'cognito:groups': ['us-east-1_pool_Google', 'tenant_admin'],
  })
  t.strictSame(cognito.roles, ['tenant_admin'])
})

t.test('a missing or invalid sub is refused', async (t) => {
  const subs: unknown[] = [
    undefined,
    null,
    '',
    ' ',
    '#',
    'alice#admin',
    'ali ce',
    'x'.repeat(129),
    '\uD800x',
    '\u00e9'.repeat(65),
    42,
    ['alice'],
    {},
  ]
  for (const sub of subs) {
    assertUnauthorized(t, { sub, tenant_id: 'acme', roles: ['member'] }, `sub ${JSON.stringify(sub)}`)
  }
  t.equal(identityFromClaims({ sub: 'x'.repeat(128), tenant_id: 'acme' }).userId, 'x'.repeat(128))
  t.equal(identityFromClaims({ sub: 'auth0|abc', tenant_id: 'acme' }).userId, 'auth0|abc')
})

t.test('the user id is the sub as keys hold it: capitals and other characters encoded', async (t) => {
  const userIdOf = (sub: string) => identityFromClaims({ sub, tenant_id: 'acme' }).userId
  t.equal(userIdOf('bob'), 'bob')
  t.equal(userIdOf('BOB'), '%42%4f%42')
  t.equal(userIdOf('\u212Aate'), '%e2%84%aaate', 'a Kelvin sign is not a k')
  t.equal(userIdOf('\u00e9'.repeat(64)).length, 384, 'the longest id')
})

t.test('a missing or invalid tenant is refused', async (t) => {
  const tenants: unknown[] = [
    undefined,
    null,
    '',
    'ACME',
    'Acme',
    'a#b',
    'tenant#acme',
    'x'.repeat(65),
    '-acme',
    ' acme',
    42,
  ]
  for (const tenant of tenants) {
    assertUnauthorized(t, { sub: 'alice', tenant_id: tenant }, `tenant_id ${JSON.stringify(tenant)}`)
  }
  for (const tenant of ['ACME', 'a#b', 'x'.repeat(65)]) {
    assertUnauthorized(
      t,
      { sub: 'alice', 'custom:tenant_id': tenant },
      `custom:tenant_id ${JSON.stringify(tenant)}`,
    )
  }
  t.equal(identityFromClaims({ sub: 'alice', tenant_id: 'x'.repeat(64) }).tenantId, 'x'.repeat(64))
  t.equal(identityFromClaims({ sub: 'alice', tenant_id: 'a0_b-c' }).tenantId, 'a0_b-c')
})

t.test('an invalid tenant_id is not rescued by a valid custom:tenant_id', async (t) => {
  assertUnauthorized(
    t,
    { sub: 'alice', tenant_id: 'ACME', 'custom:tenant_id': 'acme' },
    'upper-case tenant_id',
  )
})

t.test('roles that are not an array are refused', async (t) => {
  for (const roles of ['member', 'tenant_admin', { 0: 'member' }, 1, true]) {
    assertUnauthorized(t, { sub: 'alice', tenant_id: 'acme', roles }, `roles ${JSON.stringify(roles)}`)
    assertUnauthorized(
      t,
      { sub: 'alice', tenant_id: 'acme', 'cognito:groups': roles },
      `cognito:groups ${JSON.stringify(roles)}`,
    )
  }
})
