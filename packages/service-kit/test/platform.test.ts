import { openDatabase } from '@creditbank/db'
import { type EventTables, MemoryTransport, OutboxRelay, RelayThread } from '@creditbank/events'
import {
  buildServer,
  configSchema,
  loadConfig,
  type Platform,
  servicePlatform,
} from '@creditbank/service-kit'
import t from 'tap'

const database = await openDatabase({})
t.teardown(() => database.close())
const base: Platform = {
  database,
  transport: new MemoryTransport(),
  resolveKey: async () => undefined as never,
  issuer: 'i',
  audience: 'a',
}
const threadSettings = {
  databaseUrl: 'postgres://127.0.0.1:5432/x',
  brokers: ['127.0.0.1:9092'],
  clientId: 'c',
  logLevel: 'silent',
}

/** The relay a service gets on a platform; workers are not started, so nothing connects. */
async function relayOf(platform: Platform, relayThread?: boolean) {
  const app = await buildServer({ service: 'kit-test', logLevel: 'silent' })
  const { events } = await servicePlatform<EventTables>(app, {
    service: 'kit-test',
    schema: 'kit_test',
    platform,
    publishes: true,
    startWorkers: false,
    ...(relayThread ? { relayThread } : {}),
  })
  await app.ready()
  const relay = events.relay
  await app.close()
  return relay
}

t.test(
  'a service that asks for a relay thread gets one where the platform has Postgres and Kafka; others publish from their own thread',
  async (t) => {
    t.type(
      await relayOf({ ...base, relayThread: threadSettings }, true),
      RelayThread,
      'asked for, and possible',
    )
    t.type(await relayOf({ ...base, relayThread: threadSettings }), OutboxRelay, 'not asked for')
    t.type(
      await relayOf(base, true),
      OutboxRelay,
      'asked for, but the platform cannot (embedded PGlite or the in-process bus)',
    )
    t.type(
      await relayOf({ ...base, relayThread: { ...threadSettings, everyService: true } }),
      RelayThread,
      'RELAY_THREAD=true: every service that publishes',
    )
  },
)

t.test('RELAY_THREAD is optional and boolean', async (t) => {
  const schema = configSchema({})
  t.equal(loadConfig(schema, {}).RELAY_THREAD, undefined)
  t.equal(loadConfig(schema, { RELAY_THREAD: 'false' }).RELAY_THREAD, false)
  t.equal(loadConfig(schema, { RELAY_THREAD: 'true' }).RELAY_THREAD, true)
  t.throws(() => loadConfig(schema, { RELAY_THREAD: 'sometimes' }), /RELAY_THREAD/)
})
