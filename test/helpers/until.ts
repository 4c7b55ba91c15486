import { setTimeout as sleep } from 'node:timers/promises'

/** Resolves with the time the condition first held, or undefined once `withinMs` has passed. */
export async function until(condition: () => boolean, withinMs: number): Promise<number | undefined> {
  const deadline = performance.now() + withinMs
  while (performance.now() < deadline) {
    if (condition()) return performance.now()
    await sleep(20)
  }
  return condition() ? performance.now() : undefined
}
