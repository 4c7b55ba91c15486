// TransactWriteItems with a ClientRequestToken, so the SDK's retries (and a caller's, with the same
// token, for ten minutes) apply the transaction once. Cancellation reasons become domain errors.
import { randomUUID } from 'node:crypto'
import {
  type CancellationReason,
  type DynamoDBClient,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import { AppError, type ErrorCode, serviceUnavailable } from '../errors/app-error.js'
import type { Item } from '../models/index.js'
import type { UsageTag } from '../observability/usage-meter.js'
import { mapSdkError } from './sdk-errors.js'
import { withUsageTag } from './usage-tag.js'
import { fromWire, type TransactionAction, transactItem } from './wire.js'

export type { TransactionAction } from './wire.js'

export const MAX_TRANSACTION_ACTIONS = 100

/**
 * A cancelled transaction: `reasons[i]` says what happened to action i ('None' when it was fine);
 * `items[i]` is the stored item whose condition failed, when DynamoDB returned it.
 */
export class TransactionCancelledError extends AppError {
  constructor(
    code: ErrorCode,
    readonly reasons: readonly string[],
    readonly items: readonly (Item | undefined)[] = [],
  ) {
    super(
      code,
      code === 'CONFLICT' ? 'the change conflicts with the current data' : 'the change was refused',
      reasons.flatMap((reason, index) =>
        reason === 'None' ? [] : [{ field: `actions[${index}]`, message: reason }],
      ),
    )
  }

  /** Indexes of the actions whose condition failed. */
  get failedConditions(): number[] {
    return this.reasons.flatMap((reason, index) => (reason === 'ConditionalCheckFailed' ? [index] : []))
  }
}

export async function transactWrite(
  client: DynamoDBClient,
  actions: readonly TransactionAction[],
  clientRequestToken: string = randomUUID(),
  usage?: UsageTag,
): Promise<void> {
  if (actions.length === 0 || actions.length > MAX_TRANSACTION_ACTIONS) {
    throw new RangeError(`a transaction takes 1 to ${MAX_TRANSACTION_ACTIONS} actions, not ${actions.length}`)
  }
  try {
    await client.send(
      new TransactWriteItemsCommand(
        withUsageTag(
          { TransactItems: actions.map(transactItem), ClientRequestToken: clientRequestToken },
          usage,
        ),
      ),
    )
  } catch (error) {
    throw transactionError(error)
  }
}

function transactionError(error: unknown): unknown {
  const name = (error as Error | undefined)?.name
  if (name === 'TransactionCanceledException') {
    const cancellations = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? []
    const reasons = cancellations.map((reason) => reason.Code ?? 'None')
    if (reasons.some((code) => code === 'ThrottlingError' || code === 'ProvisionedThroughputExceeded')) {
      return serviceUnavailable(error)
    }
    const conflict = reasons.some(
      (code) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict',
    )
    const items = cancellations.map((reason) => reason.Item && fromWire(reason.Item))
    return new TransactionCancelledError(conflict ? 'CONFLICT' : 'VALIDATION_ERROR', reasons, items)
  }
  if (name === 'TransactionInProgressException') {
    return new AppError('CONFLICT', 'the same transaction is still in progress')
  }
  if (name === 'IdempotentParameterMismatchException') {
    return new AppError('IDEMPOTENCY_KEY_REUSED', 'the request token was used for another transaction')
  }
  return mapSdkError(error)
}
