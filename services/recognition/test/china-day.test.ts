import { randomUUID } from 'node:crypto'
import { setClock } from '@creditbank/contracts'
import t from 'tap'
import { buildRecognition } from './helper.js'

// Issue 16, bug 1: rules are valid from and to dates on China's calendar. At 00:30 in Zhengzhou it
// is still the day before in UTC; a rule that starts today must already apply, and one that ended
// yesterday must not.
const r = await buildRecognition()
t.teardown(() => r.close())
t.teardown(() => setClock(null))

t.test('at 00:30 China time, rules are valid by the date in China, not in UTC', async (t) => {
  setClock(new Date('2030-03-31T16:30:00Z')) // 2030-04-01 00:30 in Asia/Shanghai
  const learner = randomUUID()
  const target = await r.organization('school')
  const rule = (code: string, validFrom: string, validTo: string | null) =>
    r.createRule({
      code: `${code}-${target.slice(-6)}`,
      name: code,
      targetOrgId: target,
      source: { kind: 'course', code },
      award: { courseCode: `${code}-A`, courseName: code, courseType: 'core', credits: '2' },
      review: { mode: 'manual', steps: [{ role: 'reviewer', orgId: target }], dueDays: 15 },
      validFrom,
      validTo,
    })
  await rule('STARTS', '2030-04-01', null)
  await rule('ENDED', '2025-01-01', '2030-03-31')
  const outcome = (code: string) => ({
    kind: 'course',
    orgId: target,
    code,
    title: code,
    credits: '2',
    grade: { score: '90', scale: '100' },
    occurredOn: '2030-03-20',
  })
  const res = await r.app.inject({
    method: 'POST',
    url: '/v1/simulations',
    headers: r.learner(learner),
    payload: {
      targetOrgId: target,
      programCode: 'P',
      outcomes: [outcome('STARTS'), outcome('ENDED')],
    },
  })
  t.equal(res.statusCode, 200)
  t.same(
    res.json().items.map((i: { rule: { code: string } }) => i.rule.code.split('-')[0]),
    ['STARTS'],
    'the rule starting on 1 April applies; the one that ended on 31 March does not',
  )
})
