// How much memory this process may use, as the system reports it: the default load-shedding
// thresholds are shares of these (see config.ts).
import { totalmem } from 'node:os'
import { getHeapStatistics } from 'node:v8'

export interface RuntimeMemory {
  /** The container's cgroup limit when there is one, else the machine's memory (a Fargate task's VM). */
  limitBytes: number
  /** V8's heap limit (--max-old-space-size, or what V8 derived from the machine's memory). */
  heapLimitBytes: number
}

export function runtimeMemory(): RuntimeMemory {
  // Without a cgroup limit Node reports 0, or (Node 20) the cgroup's "max" as about 2^64.
  const constrained = process.constrainedMemory() || Number.POSITIVE_INFINITY
  return {
    limitBytes: Math.min(constrained, totalmem()),
    heapLimitBytes: getHeapStatistics().heap_size_limit,
  }
}
