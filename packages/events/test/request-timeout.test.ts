import { createServer, type Socket } from 'node:net'
import { Kafka, logLevel } from 'kafkajs'
import t from 'tap'

/**
 * kafkajs is patched (patches/README.md) to check request timeouts with one timer per connection,
 * armed for the earliest deadline in flight, instead of an interval on every connection: a broker
 * that accepts a connection and never answers must still fail the request once its time is up.
 */
t.test('a request a broker never answers times out (patched timeout check)', async (t) => {
  const sockets = new Set<Socket>()
  const silent = createServer((s) => {
    sockets.add(s)
    s.on('error', () => {})
  })
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
  t.teardown(() => {
    for (const s of sockets) s.destroy()
    silent.close()
  })
  const { port } = silent.address() as { port: number }
  const kafka = new Kafka({
    clientId: 'timeout-test',
    brokers: [`127.0.0.1:${port}`],
    connectionTimeout: 1_000,
    requestTimeout: 800,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  })
  const admin = kafka.admin()
  const error = await admin.connect().then(
    () => undefined,
    (err: Error) => err,
  )
  await admin.disconnect().catch(() => {})
  t.ok(error, 'connecting to a broker that never answers fails')
  const chain: string[] = []
  for (let e: any = error; e; e = e.originalError ?? e.cause) chain.push(`${e.name}: ${e.message}`)
  t.match(
    chain.join(' <- '),
    /KafkaJSRequestTimeoutError|timed out/,
    'because the request timed out',
  )
  t.ok(sockets.size > 0, 'the broker was connected to')
})
