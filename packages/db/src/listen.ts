import pg from 'pg'

/** Called with each notification's payload, and with `undefined` after a reconnection. */
export type NotificationHandler = (payload: string | undefined) => void

const MAX_RECONNECT_MS = 5_000

/**
 * One connection of its own that LISTENs (a pooled one cannot: it goes back to the pool), shared
 * by every channel of a Database. A lost connection (a restart) is opened again with a bounded,
 * jittered backoff and its channels listened to again; handlers are then called without a payload,
 * since notifications sent meanwhile are lost.
 */
export class Listener {
  private client?: pg.Client
  private readonly channels = new Map<string, Set<NotificationHandler>>()
  private connecting?: Promise<void>
  private failures = 0
  private closed = false
  private retry?: NodeJS.Timeout

  constructor(
    private readonly url: string,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  async listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>> {
    let handlers = this.channels.get(channel)
    if (!handlers) {
      handlers = new Set()
      this.channels.set(channel, handlers)
    }
    handlers.add(handler)
    await this.connect().catch(() => {}) // retried in the background
    if (this.client && handlers.size === 1)
      await this.client.query(`listen "${channel}"`).catch(() => {})
    return async () => {
      handlers.delete(handler)
      if (handlers.size === 0) {
        this.channels.delete(channel)
        await this.client?.query(`unlisten "${channel}"`).catch(() => {})
      }
    }
  }

  private connect(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve()
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined
    })
    return this.connecting
  }

  private async open() {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5_000 })
    client.on('error', (err) => this.lost(client, err))
    client.on('end', () => this.lost(client))
    client.on('notification', (n) => {
      for (const h of this.channels.get(n.channel) ?? []) h(n.payload)
    })
    try {
      await client.connect()
      for (const channel of this.channels.keys()) await client.query(`listen "${channel}"`)
    } catch (err) {
      client.removeAllListeners('end')
      await client.end().catch(() => {})
      this.lost(client, err as Error)
      throw err
    }
    this.client = client
    if (this.failures > 0) for (const hs of this.channels.values()) for (const h of hs) h(undefined)
    this.failures = 0
  }

  private lost(client: pg.Client, err?: Error) {
    if (err) this.onError(err)
    if (this.client === client) this.client = undefined
    if (this.closed || this.retry || this.channels.size === 0) return
    this.failures += 1
    const ceiling = Math.min(MAX_RECONNECT_MS, 100 * 2 ** (this.failures - 1))
    this.retry = setTimeout(
      () => {
        this.retry = undefined
        void this.connect().catch(() => {})
      },
      ceiling / 2 + Math.random() * (ceiling / 2),
    )
  }

  async close() {
    this.closed = true
    clearTimeout(this.retry)
    const client = this.client
    this.client = undefined
    await client?.end().catch(() => {})
  }
}
