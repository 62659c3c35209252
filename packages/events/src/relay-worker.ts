import { parentPort, workerData } from 'node:worker_threads'
import { forSchema, openDatabase } from '@creditbank/db'
import pino from 'pino'
import { KafkaTransport } from './kafka-transport.js'
import { withNamespace } from './namespaced-transport.js'
import { OutboxRelay, outboxSignal } from './relay.js'
import type { RelayThreadSettings } from './relay-thread.js'

/**
 * The outbox relay of one service on a thread of its own (see RelayThread): its own database
 * connection and Kafka producer. The parent says 'wake' after a commit that wrote events and
 * 'stop' to finish; the thread ends when everything it opened is closed.
 */
const o = workerData as RelayThreadSettings
const port = parentPort!
const logger = pino({ level: o.logLevel, name: o.name })
const database = await openDatabase({
  url: o.databaseUrl,
  poolMax: 1,
  onConnectionError: (err) => logger.warn({ err: err.message }, 'database connection lost'),
})
const transport = withNamespace(
  new KafkaTransport({ brokers: o.brokers, clientId: o.clientId, logger }),
  o.namespace,
)
const relay = new OutboxRelay({
  db: forSchema(database, o.schema),
  name: o.schema,
  transport,
  logger,
  // Wakes from the service's other replicas; this process's commits arrive as 'wake' messages.
  signal: outboxSignal(database, o.schema),
  ...(o.idleMs !== undefined ? { idleMs: o.idleMs } : {}),
})

port.on('message', (message: 'wake' | 'stop') => {
  if (message === 'wake') return relay.wake()
  void (async () => {
    await relay.stop()
    await transport.close()
    await database.close()
    port.close()
  })()
})
await transport.connect()
await relay.start()
port.postMessage('started')
