/**
 * `pnpm --filter @creditbank/portfolio rebuild [timeline|oversight]`: drops the timeline projection
 * (the default) or the oversight figures' and replays it from the Kafka topics, then exits. Stop
 * the portfolio service first (Kafka rewinds only an idle consumer group). The embedded run
 * (in-process bus) rebuilds through POST /v1/admin/timeline/rebuild or /v1/admin/oversight/rebuild.
 */
import { forSchema, migrate } from '@creditbank/db'
import { EventConsumer } from '@creditbank/events'
import {
  createLogger,
  createPlatform,
  httpLearnerPersonal,
  loadConfig,
  parseKey,
} from '@creditbank/service-kit'
import { SCHEMA } from './app.js'
import { portfolioConfig } from './config.js'
import { migrations } from './db/migrations.js'
import { oversightTables, type PortfolioDB, projectionTables } from './db/schema.js'
import { portfolioKeys } from './domain/personal.js'
import { rebuildProjection } from './domain/rebuild.js'
import { consumedTopics, learnerNames, projectionHandlers } from './events/handlers.js'
import { OVERSIGHT_GROUP } from './oversight/consumer.js'
import { aroundOversight, oversightHandlers, oversightTopics } from './oversight/projection.js'

const logger = createLogger(process.env.LOG_LEVEL ?? 'info', 'portfolio-rebuild')
const config = loadConfig(portfolioConfig)
if (!config.KAFKA_BROKERS) {
  logger.fatal(
    'the rebuild command replays the Kafka topics: set KAFKA_BROKERS (embedded runs use POST /v1/admin/timeline/rebuild)',
  )
  process.exit(64)
}
const which = process.argv[2] ?? 'timeline'
// The names are sealed under the learners' keys (kept: the key table is not part of the projection).
const keys = portfolioKeys(parseKey(config.PORTFOLIO_SECRET_KEY, 'PORTFOLIO_SECRET_KEY'))
const projections = {
  timeline: {
    groupId: 'creditbank.portfolio',
    topics: consumedTopics,
    tables: projectionTables,
    handlers: () => projectionHandlers(keys),
    // The names come from accounts, once per batch (decision 0730); erased learners get none.
    ...learnerNames(
      httpLearnerPersonal({
        accountsUrl: config.ACCOUNTS_URL,
        identityUrl: config.IDENTITY_URL,
        service: 'portfolio',
        secret: config.SERVICE_CLIENT_SECRET,
      }),
      keys,
    ),
  },
  oversight: {
    groupId: OVERSIGHT_GROUP,
    topics: oversightTopics,
    tables: oversightTables,
    handlers: () => oversightHandlers(),
    around: aroundOversight,
    prepare: async () => undefined,
  },
}
if (which !== 'timeline' && which !== 'oversight') {
  logger.fatal({ which }, 'rebuild what? timeline or oversight')
  process.exit(64)
}
const { groupId, topics, tables, handlers, around, prepare } = projections[which]
const platform = await createPlatform(config as never, logger, 'creditbank-portfolio-rebuild')
try {
  await migrate(platform.database, SCHEMA, migrations)
  const db = forSchema<PortfolioDB>(platform.database, SCHEMA)
  const consumer = new EventConsumer({
    groupId,
    topics,
    handlers: handlers(),
    around,
    prepare,
    maxBatch: 500,
    db,
    transport: platform.transport,
    logger,
  })
  await rebuildProjection({
    db,
    transport: platform.transport,
    groupId,
    topics,
    tables,
    logger,
  })
  await consumer.start()
  const until = Date.now() + 30 * 60_000
  // Caught up when nothing is left to read and the last commit has had time to land.
  while ((await platform.transport.lag(groupId, topics)) > 0) {
    if (Date.now() > until) throw new Error('replay did not catch up within 30 minutes')
    await new Promise((r) => setTimeout(r, 1_000))
  }
  await consumer.stop()
  logger.info(
    {
      applied: consumer.stats.applied,
      ignored: consumer.stats.ignored,
      deadLettered: consumer.stats.deadLettered,
    },
    `${which} rebuilt`,
  )
} finally {
  await platform.transport.close()
  await platform.database.close()
}
