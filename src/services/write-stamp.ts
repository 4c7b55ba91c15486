// The time a request's writes carry and the ids it gives new items. Every attempt of a request sent
// with an Idempotency-Key gets the same ones, so an attempt whose create was already written by an
// earlier one finds its own item in the table (same id, same creation time) and takes that as done
// (see ChangeWriter) instead of creating a second item.
import { newUlid, seededUlid } from '../models/ids.js'
import type { Clock } from './clock.js'
import type { RequestContext } from './request-context.js'

export class WriteStamp {
  #nextId = 0

  private constructor(
    readonly now: Date,
    private readonly seed: string | undefined,
  ) {}

  static for(context: RequestContext, clock: Clock): WriteStamp {
    const attempt = context.idempotency
    return attempt
      ? new WriteStamp(new Date(attempt.startedAt), attempt.seed)
      : new WriteStamp(clock(), undefined)
  }

  /** The id of the next new item: random, or derived from the request's seed in creation order. */
  nextId(): string {
    const time = this.now.getTime()
    return this.seed === undefined ? newUlid(time) : seededUlid(time, this.seed, this.#nextId++)
  }
}
