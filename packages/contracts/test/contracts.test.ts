import t from 'tap'
import {
  AppError,
  defineErrors,
  eventPayloads,
  fieldMessage,
  langOf,
  topicOf,
  topics,
} from '../src/index.js'

t.test('every event type has its service’s versioned topic', async (t) => {
  t.equal(topicOf('accounts.outcome.posted'), 'creditbank.accounts.v1')
  for (const type of Object.keys(eventPayloads)) t.ok(topics.includes(topicOf(type)), type)
})

t.test('defined errors carry their kind, stable code and title', async (t) => {
  const errors = defineErrors({ THING_MISSING: ['not_found', 'No such thing', '没有这个东西'] })
  const e = errors.THING_MISSING()
  t.equal(e.title, 'No such thing')
  t.equal(e.titleZh, '没有这个东西')
  t.ok(e instanceof AppError)
  t.equal(e.kind, 'not_found')
  t.equal(e.code, 'THING_MISSING')
  t.match(e.message, /No such thing/)
  t.match(errors.THING_MISSING('the thing 7').message, /the thing 7/)
})

t.test('the language asked for, and field messages by code in it', async (t) => {
  t.equal(langOf('zh-CN,zh;q=0.9,en;q=0.8'), 'zh')
  t.equal(langOf('zh'), 'zh')
  t.equal(langOf('en-US,zh;q=0.5'), 'en', 'the first language wins')
  t.equal(langOf(undefined), 'en', 'English when nothing is asked')
  t.equal(langOf('zhx'), 'en')
  const long = {
    path: '/title',
    message: 'must NOT have more than 200 characters',
    code: 'FIELD_TOO_LONG',
    limit: 200,
  }
  t.equal(fieldMessage(long, 'zh'), '不能超过 200 个字符')
  t.equal(fieldMessage(long, 'en'), 'is longer than 200 characters')
  t.equal(fieldMessage({ path: '/x', message: 'as given' }, 'zh'), 'as given', 'no code: as given')
})
