// How many items a successful call wrote, from its input and output, for usage metering.

/** Operations that consume read capacity; every other metered one consumes write capacity. */
export const READ_OPERATIONS: ReadonlySet<string> = new Set([
  'GetItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'TransactGetItems',
])

interface WriteInput {
  RequestItems?: Record<string, readonly unknown[]>
  TransactItems?: readonly { ConditionCheck?: unknown }[]
}

interface WriteOutput {
  UnprocessedItems?: Record<string, readonly unknown[]>
}

export function itemsWritten(operation: string, input: object, output: object): number {
  switch (operation) {
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return 1
    case 'BatchWriteItem':
      // What DynamoDB handed back unprocessed was not written (the caller sends it again).
      return countAll((input as WriteInput).RequestItems) - countAll((output as WriteOutput).UnprocessedItems)
    case 'TransactWriteItems':
      return ((input as WriteInput).TransactItems ?? []).filter((item) => !item.ConditionCheck).length
    default:
      return 0
  }
}

function countAll(requests: Record<string, readonly unknown[]> | undefined): number {
  let count = 0
  for (const table in requests) count += requests[table]?.length ?? 0
  return count
}
