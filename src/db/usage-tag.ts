// Which tenant a DynamoDB call is made for. The gateway knows it for every call; it rides on the
// command's input under a symbol, which the SDK's serializer never sends, so the call-metrics
// middleware reads it with one lookup (AsyncLocalStorage would cost every await of every request).
import type { UsageTag } from '../observability/usage-meter.js'

export const USAGE_TAG = Symbol('usage tag')

export type Tagged = { [USAGE_TAG]?: UsageTag | undefined }

/** The input, marked as made for the tag's tenant and model (unmarked when there is no tag). */
export function withUsageTag<I extends object>(input: I, tag: UsageTag | undefined): I {
  if (tag) (input as Tagged)[USAGE_TAG] = tag
  return input
}
