import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Polls `condition` every `everyMs` until it holds; resolves with the time it first held, or
 * undefined once `withinMs` has passed.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  withinMs: number,
  everyMs = 20,
): Promise<number | undefined> {
  const deadline = performance.now() + withinMs
  while (performance.now() < deadline) {
    if (await condition()) return performance.now()
    await sleep(everyMs)
  }
  return (await condition()) ? performance.now() : undefined
}
