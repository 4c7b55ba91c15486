// Writes and tenant standing changes announced to every instance on one Redis pub/sub channel, so
// that each drops its cached copy at once instead of serving it until its TTL runs out. Publishing
// is fire-and-forget: no request waits for it, and while Redis is down the TTLs are the bound.
// Every instance hears its own messages too and ignores them (it has invalidated already).
import { randomUUID } from 'node:crypto'
import type { RedisLink } from './redis-link.js'

export interface ItemKey {
  pk: string
  sk: string
}

export interface InvalidationHandlers {
  /** Another instance wrote these items of a tenant. */
  items(tenantId: string, keys: readonly ItemKey[]): void
  /** Another instance changed a tenant's standing. */
  tenant(tenantId: string): void
  /** Subscribed (again): what was sent while this instance was not listening is unknown. */
  resync(): void
}

interface Message {
  /** The instance that sent it. */
  from: string
  tenantId: string
  /** Items written, as [pk, sk]. */
  items?: [string, string][]
  /** The tenant's standing changed. */
  standing?: true
}

export class InvalidationChannel {
  readonly #origin = randomUUID()
  readonly #subscribed: Promise<void>

  constructor(
    private readonly link: RedisLink,
    private readonly channel: string,
    private readonly handlers: InvalidationHandlers,
  ) {
    link.subscriber.on('message', (from: string, text: string) => {
      if (from === channel) this.#receive(text)
    })
    let markSubscribed: () => void = () => {}
    this.#subscribed = new Promise((resolve) => {
      markSubscribed = resolve
    })
    // On every connection, the first included: anything cached meanwhile may be stale.
    const subscribe = () => {
      link.subscriber.subscribe(channel).then(
        () => {
          handlers.resync()
          markSubscribed()
        },
        // The connection dropped again; its next 'ready' subscribes again.
        () => {},
      )
    }
    link.subscriber.on('ready', subscribe)
    if (link.subscriber.status === 'ready') subscribe()
  }

  /**
   * Resolves true once the channel first listens, or false after `timeoutMs` (it goes on trying by
   * itself). The app waits for it before serving, so that the first subscription's resync does not
   * drop what the first requests cached.
   */
  async listening(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    const gaveUp = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs)
      timer.unref()
    })
    try {
      return await Promise.race([this.#subscribed.then(() => true as const), gaveUp])
    } finally {
      clearTimeout(timer)
    }
  }

  publishItems(tenantId: string, keys: readonly ItemKey[]): void {
    if (keys.length === 0) return
    this.#publish({ from: this.#origin, tenantId, items: keys.map(({ pk, sk }) => [pk, sk]) })
  }

  publishStanding(tenantId: string): void {
    this.#publish({ from: this.#origin, tenantId, standing: true })
  }

  #publish(message: Message): void {
    if (!this.link.available) {
      this.link.fellBack('invalidation')
      return
    }
    this.link.commands
      .publish(this.channel, JSON.stringify(message))
      .catch((error: unknown) => this.link.failed('invalidation', error))
  }

  #receive(text: string): void {
    const message = parse(text)
    if (!message || message.from === this.#origin) return
    if (message.items) {
      this.handlers.items(
        message.tenantId,
        message.items.map(([pk, sk]) => ({ pk, sk })),
      )
    }
    if (message.standing) this.handlers.tenant(message.tenantId)
  }
}

/** The message, or undefined when it is not one (another program on the channel, a newer format). */
function parse(text: string): Message | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const message = value as Partial<Message> | null
  if (typeof message?.from !== 'string' || typeof message.tenantId !== 'string') return undefined
  const items = message.items
  if (items !== undefined) {
    const valid =
      Array.isArray(items) &&
      items.every(
        (key) => Array.isArray(key) && key.length === 2 && key.every((part) => typeof part === 'string'),
      )
    if (!valid) return undefined
  }
  return message as Message
}
