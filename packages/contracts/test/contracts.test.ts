import t from 'tap'
import { AppError, defineErrors, eventPayloads, topicOf, topics } from '../src/index.js'

t.test('every event type has its service’s versioned topic', async (t) => {
  t.equal(topicOf('accounts.outcome.posted'), 'creditbank.accounts.v1')
  for (const type of Object.keys(eventPayloads)) t.ok(topics.includes(topicOf(type)), type)
})

t.test('defined errors carry their kind, stable code and title', async (t) => {
  const errors = defineErrors({ THING_MISSING: ['not_found', 'No such thing'] })
  const e = errors.THING_MISSING()
  t.ok(e instanceof AppError)
  t.equal(e.kind, 'not_found')
  t.equal(e.code, 'THING_MISSING')
  t.match(e.message, /No such thing/)
  t.match(errors.THING_MISSING('the thing 7').message, /the thing 7/)
})
