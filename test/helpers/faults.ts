// Fault injection at the SDK middleware level, on the real client talking to DynamoDB Local.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { FinalizeRequestMiddleware, InitializeMiddleware, MetadataBearer } from '@smithy/types'
import { fromWire, type WireItem } from '../../src/db/wire.js'

export function sdkError(name: string, status = 400): Error {
  return Object.assign(new Error(`injected ${name}`), { name, $metadata: { httpStatusCode: status } })
}

export const throttling = () => sdkError('ThrottlingException')
export const timeout = () => sdkError('TimeoutError', 0)
export const cancelledByThrottling = () =>
  Object.assign(sdkError('TransactionCanceledException'), {
    CancellationReasons: [{ Code: 'ThrottlingError' }, { Code: 'None' }],
  })

export interface AttemptFault {
  /** e.g. 'PutItem' */
  operation: string
  /** How many attempts fail, counted across calls. */
  attempts: number
  error: () => Error
  /** Fail after DynamoDB has applied the request: the response is lost, the write is not. */
  afterSend?: boolean
  /** Only attempts whose (wire-format) input this accepts. */
  when?: (input: unknown) => boolean
}

/** Fails single attempts, inside the SDK's retry loop, so the SDK's own retries are exercised. */
export function failAttempts(client: DynamoDBClient, fault: AttemptFault): { failed: () => number } {
  let failed = 0
  const middleware: FinalizeRequestMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    if (context.commandName !== `${fault.operation}Command` || failed >= fault.attempts) return next(args)
    if (fault.when && !fault.when(args.input)) return next(args)
    failed++
    if (fault.afterSend) await next(args)
    throw fault.error()
  }
  // Below the app's per-attempt throttle counter, where a real DynamoDB answer would surface.
  client.middlewareStack.addRelativeTo(middleware, {
    relation: 'after',
    toMiddleware: 'tesseraThrottleCounter',
    name: `fault-${fault.operation}-${Math.random()}`,
  })
  forgetResolvedMiddleware(client)
  return { failed: () => failed }
}

/**
 * The data client resolves each command's middleware once (`cacheMiddleware`), so a middleware
 * added after a command's first call would not apply to it; this drops what it resolved, as its
 * `destroy()` would (which would also close the sockets it shares with the main client).
 */
export function forgetResolvedMiddleware(client: DynamoDBClient): void {
  delete (client as unknown as { handlers?: unknown }).handlers
}

/**
 * Makes BatchWriteItem leave part of each request unprocessed, as DynamoDB does under load: only
 * the first `keep` requests are sent (and none that `hold` picks); the rest come back in
 * UnprocessedItems. `calls` bounds how many calls are cut short (Infinity: every call).
 */
export function leaveUnprocessed(
  client: DynamoDBClient,
  options: { keep: number; calls: number; hold?: (item: Record<string, unknown>) => boolean },
): { cut: () => number } {
  let cut = 0
  const middleware: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    if (context.commandName !== 'BatchWriteItemCommand' || cut >= options.calls) return next(args)
    const input = args.input as { RequestItems: Record<string, unknown[]> }
    const [table, requests] = Object.entries(input.RequestItems)[0] as [string, unknown[]]
    // Requests are in wire format here; `hold` sees plain items.
    const itemOf = (request: unknown) =>
      fromWire((request as { PutRequest: { Item: WireItem } }).PutRequest.Item)
    const candidates = options.hold
      ? requests.filter((request) => !options.hold?.(itemOf(request)))
      : requests
    const sent = candidates.slice(0, options.keep)
    const held = requests.filter((request) => !sent.includes(request))
    if (held.length === 0) return next(args)
    cut++
    const result = await next({ ...args, input: { ...input, RequestItems: { [table]: sent } } })
    const output = result.output as { UnprocessedItems?: Record<string, unknown[]> }
    output.UnprocessedItems = { [table]: [...(output.UnprocessedItems?.[table] ?? []), ...held] }
    return result
  }
  client.middlewareStack.add(middleware, { step: 'initialize', name: `unprocessed-${Math.random()}` })
  forgetResolvedMiddleware(client)
  return { cut: () => cut }
}
