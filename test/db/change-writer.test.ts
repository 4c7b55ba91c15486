import t from 'tap'
import { servicesOf } from '../../src/container.js'
import { Group, initialise } from '../../src/models/index.js'
import { buildTestApp } from '../helpers/app.js'
import { storedGroups } from '../helpers/table.js'

function group(tenantId: string, n: number): Group {
  const model = initialise(new Group(), new Date(), Group.modelVersion)
  model.tenantId = tenantId
  model.userId = 'alice'
  model.name = `group ${n}`
  model.groupType = 'team'
  return model
}

t.test(
  'applyMany writes the changes of several tenants, each tenant in transactions of its own',
  async (t) => {
    const testApp = await buildTestApp(t)
    const writer = servicesOf(testApp.container).ChangeWriter
    // Interleaved, and more than one transaction holds (100 actions), so chunks split by tenant and size.
    const models = Array.from({ length: 130 }, (_, n) => group(n % 2 === 0 ? 'acme' : 'globex', n))
    const failures = await writer.applyMany(models.map((model) => ({ change: { kind: 'create', model } })))
    t.same(failures, [], 'no change failed')
    t.equal((await storedGroups(testApp, 'acme')).length, 65)
    t.equal((await storedGroups(testApp, 'globex')).length, 65)
  },
)
