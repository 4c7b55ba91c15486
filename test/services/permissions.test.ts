// The permission table: what each role may do, and that no role grants more than it should.
import t from 'tap'
import { ROLES } from '../../src/models/index.js'
import { can, type Permission } from '../../src/services/permissions.js'

const PERMISSIONS: Permission[] = [
  'manage_tenants',
  'administer_tenant',
  'grant_platform_admin',
  'act_for_platform',
  'bypass_suspension',
]

t.test(
  'a platform admin may do everything; a tenant admin administers its tenant; a member nothing more',
  async (t) => {
    for (const permission of PERMISSIONS) {
      t.ok(can({ roles: ['platform_admin'] }, permission), `platform_admin: ${permission}`)
      t.equal(
        can({ roles: ['tenant_admin'] }, permission),
        permission === 'administer_tenant',
        `tenant_admin: ${permission}`,
      )
      t.notOk(can({ roles: ['member'] }, permission), `member: ${permission}`)
      t.notOk(can({ roles: [] }, permission), `no role: ${permission}`)
    }
  },
)

t.test('roles add up: any role that grants a permission is enough', async (t) => {
  t.ok(can({ roles: ['member', 'tenant_admin'] }, 'administer_tenant'))
  t.notOk(can({ roles: ['member', 'tenant_admin'] }, 'manage_tenants'))
  t.strictSame([...ROLES].sort(), ['member', 'platform_admin', 'tenant_admin'], 'every role is in the table')
})
