// A table holding every model, written through the API (users with encrypted fields, email claims,
// audit entries, idempotency records, soft-deleted items, tenants, the usage of all that), plus raw
// items of every type.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { servicesOf } from '../../src/container.js'
import type { TestApp } from './app.js'
import { putRaw, rawItems } from './backup.js'

export const GROUPS_PER_TENANT = 5

export async function seedEveryModel(app: TestApp, client: DynamoDBClient) {
  const root = app.as('platform', 'root', ['platform_admin'])
  for (const tenant of ['acme', 'globex']) {
    const created = await root({ method: 'POST', url: '/v2/tenants', payload: { id: tenant, name: tenant } })
    if (created.statusCode !== 201) throw new Error(`tenant ${tenant}: ${created.statusCode} ${created.body}`)
    const admin = app.as(tenant, 'alice', ['tenant_admin'])
    for (const user of ['bob', 'carol']) {
      const response = await admin({
        method: 'POST',
        url: '/v2/users',
        headers: { 'idempotency-key': `create-${user}` },
        payload: { id: user, email: `${user}@${tenant}.example`, name: user, phone: '+15550100' },
      })
      if (response.statusCode !== 201)
        throw new Error(`user ${user}: ${response.statusCode} ${response.body}`)
    }
    const groupIds: string[] = []
    for (let n = 0; n < GROUPS_PER_TENANT + 1; n++) {
      const response = await admin({
        method: 'POST',
        url: '/v2/groups',
        payload: { name: `group ${n}`, groupType: 'team', privacySettings: { visibility: 'tenant' } },
      })
      if (response.statusCode !== 201) throw new Error(`group: ${response.statusCode} ${response.body}`)
      groupIds.push(response.json().data.id)
    }
    // One soft-deleted group: out of every list, still an item of the table.
    const deleted = await admin({ method: 'DELETE', url: `/v2/groups/${groupIds[0]}` })
    if (deleted.statusCode !== 204) throw new Error(`delete: ${deleted.statusCode}`)
  }
  await putRaw(client, app.tableName, [...rawItems('acme', 7), ...rawItems('globex', 5)])
  if (!(await servicesOf(app.container).UsageFlusher.flush())) throw new Error('usage not flushed')
}
