// A run is worked on by one runner at a time: the one holding its lease, which it renews while it
// runs and gives up when it ends. A runner killed outright leaves its lease to lapse, so the next
// one waits that long at most; one that keeps being renewed means another runner is at work.
import { setTimeout as sleep } from 'node:timers/promises'
import type { MigrationRecords } from './records.js'

export interface Lease {
  owner: string
  /** How long a lease lasts unless renewed. */
  ms: number
}

/** Another runner is working on the run (it keeps renewing its lease). */
export class MigrationBusyError extends Error {
  override name = 'MigrationBusyError'
}

/** Takes the run's lease, waiting for another runner's to lapse; throws if it is kept renewed. */
export async function claimOrWait(
  records: MigrationRecords,
  runId: string,
  lease: Lease,
  print: (line: string) => void,
) {
  const claim = () => records.claim(runId, lease.owner, Date.now(), Date.now() + lease.ms)
  if (await claim()) return
  print(
    `migration run ${runId} is held by another runner: waiting up to ${Math.ceil(lease.ms / 1_000)} s for its lease to lapse (a killed runner's does)`,
  )
  const deadline = Date.now() + lease.ms + 1_000
  while (Date.now() < deadline) {
    await sleep(Math.min(1_000, lease.ms / 4))
    if (await claim()) return
  }
  throw new MigrationBusyError(
    `migration run ${runId} is being worked on by another runner; let it finish, or stop it first`,
  )
}

/**
 * Renews the lease every third of its length until `end()`, which gives it up; `onLost` is called
 * if another runner took the run over meanwhile (this process stalled past its lease).
 */
export function keepLease(records: MigrationRecords, runId: string, lease: Lease, onLost: () => void) {
  let lost = false
  let renewal: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    renewal = records.claim(runId, lease.owner, Date.now(), Date.now() + lease.ms).then(
      (held) => {
        if (held || lost) return
        lost = true
        onLost()
      },
      () => {}, // the next beat tries again; the pages meet a lasting outage themselves
    )
  }, lease.ms / 3)
  return {
    async end(): Promise<void> {
      clearInterval(timer)
      await renewal // a renewal landing after the release would hold the run for nothing
      if (!lost) await records.release(runId, lease.owner).catch(() => {})
    },
  }
}
