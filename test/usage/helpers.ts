// What the usage tests share: an independent record of the capacity DynamoDB returned per tenant
// (read from each call's key, not from the app's tags), and the usage stored in the table.
import type { InitializeMiddleware, MetadataBearer } from '@smithy/types'
import { parseUsageCounter } from '../../src/models/index.js'
import { addCallMiddleware, type TestApp } from '../helpers/app.js'
import { queryAll } from '../helpers/table.js'

export interface TenantCapacity {
  read: number
  write: number
}

const READS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand'])
const TENANT = /^tenant#([^#]+)#/

/** Sums, per tenant, the ConsumedCapacity DynamoDB returned to the app's data client. */
export function recordCapacity(testApp: TestApp, byTenant: Map<string, TenantCapacity>): void {
  const middleware: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    const result = await next(args)
    const tenantId = tenantOfKeys(args.input)
    const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity
    if (!tenantId || !consumed) return result
    const entries = (Array.isArray(consumed) ? consumed : [consumed]) as { CapacityUnits?: number }[]
    const units = entries.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0)
    const capacity = byTenant.get(tenantId) ?? { read: 0, write: 0 }
    capacity[READS.has(context.commandName ?? '') ? 'read' : 'write'] += units
    byTenant.set(tenantId, capacity)
    return result
  }
  addCallMiddleware(testApp, middleware, `capacity-${Math.random()}`)
}

/** The tenant of the first tenant key anywhere in a (wire-format) input. */
function tenantOfKeys(input: unknown): string | undefined {
  let found: string | undefined
  JSON.stringify(input, (_key, value) => {
    if (found === undefined && typeof value === 'string') found = TENANT.exec(value)?.[1]
    return value
  })
  return found
}

export interface StoredUsage {
  read: number
  write: number
  items: number
  requests: Record<string, number>
  readByModel: Record<string, number>
  writeByModel: Record<string, number>
}

/** The tenant's usage as stored, summed over its hours. */
export async function storedUsage(testApp: TestApp, tenantId: string): Promise<StoredUsage> {
  const usage: StoredUsage = { read: 0, write: 0, items: 0, requests: {}, readByModel: {}, writeByModel: {} }
  const hours = await queryAll(testApp, undefined, 'pk', `tenant#${tenantId}#usage`)
  for (const item of hours) {
    for (const [attribute, value] of Object.entries(item)) {
      const counter = parseUsageCounter(attribute)
      if (!counter || typeof value !== 'number') continue
      if (counter.kind === 'read') {
        usage.read += value
        usage.readByModel[counter.name] = (usage.readByModel[counter.name] ?? 0) + value
      } else if (counter.kind === 'write') {
        usage.write += value
        usage.writeByModel[counter.name] = (usage.writeByModel[counter.name] ?? 0) + value
      } else if (counter.kind === 'items') usage.items += value
      else usage.requests[counter.name] = (usage.requests[counter.name] ?? 0) + value
    }
  }
  return usage
}
