import { creditUnits, showCredits, toUnits } from '@creditbank/contracts'
import t from 'tap'
import { creditsForHours, termOf } from '../src/domain/limits.js'
import { addMonths, RuleIndex } from '../src/domain/rule-index.js'
import { globMatcher } from '../src/domain/rule-spec.js'

t.test('credits per hour with each rounding, exactly', async (t) => {
  // 16 class hours make one credit: 0.0625 credits an hour.
  t.equal(showCredits(creditsForHours('40', '0.0625', 'down')), '2')
  t.equal(showCredits(creditsForHours('40', '0.0625', 'half_up')), '3', '2.5 rounds half up to 3')
  t.equal(showCredits(creditsForHours('40', '0.0625', 'down_to_half')), '2.5')
  t.equal(showCredits(creditsForHours('39.9', '0.0625', 'half_up')), '2', '2.49375 rounds to 2')
  t.equal(
    showCredits(creditsForHours('47.9', '0.0625', 'down_to_half')),
    '2.5',
    '2.99375 goes down to 2.5',
  )
  // 0.1 + 0.2 style traps: 3 × 0.1 credits an hour is exactly 0.3, which is 0 whole credits.
  t.equal(showCredits(creditsForHours('3', '0.1', 'down')), '0')
  t.equal(showCredits(creditsForHours('30', '0.1', 'down')), '3', 'exactly 3, not 2.9999')
})

t.test('decimal strings parse and print without floats', async (t) => {
  t.equal(creditUnits('4'), 400n)
  t.equal(creditUnits('8.5'), 850n)
  t.equal(showCredits(850n), '8.5')
  t.equal(showCredits(-250n), '-2.5')
  t.throws(() => toUnits('1.234', 2))
  t.throws(() => toUnits('abc', 2))
})

t.test('dates: months back and terms', async (t) => {
  t.equal(addMonths('2026-03-31', -1), '2026-02-28')
  t.equal(addMonths('2026-01-15', -36), '2023-01-15')
  t.same(termOf('2026-04-10').start, '2026-03-01')
  t.same(termOf('2026-10-10').start, '2026-09-01')
  t.same(termOf('2027-01-10').start, '2026-09-01')
})

t.test('titles match as globs, never as regular expressions', async (t) => {
  const m = globMatcher('Web*开发')
  t.ok(m('web前端开发'))
  t.notOk(m('Web前端开发（高级）'))
  t.ok(globMatcher('a.b*')('a.bc'))
  t.notOk(globMatcher('a.b*')('axbc'), 'a dot is a dot')
})

t.test(
  'the index finds only the rules filed under the outcome keys and enrolled targets',
  async (t) => {
    const target = '00000000-0000-7000-8000-000000000001'
    const other = '00000000-0000-7000-8000-000000000002'
    const rule = (code: string, targetOrgId: string, source: Record<string, unknown>) => ({
      id: code,
      code,
      version: 1,
      spec: {
        code,
        name: code,
        targetOrgId,
        source,
        award: { courseCode: 'C', courseName: 'C', courseType: 'core', credits: '1' },
        review: { mode: 'auto' },
        validFrom: '2020-01-01',
      } as never,
    })
    const index = new RuleIndex([
      rule('A', target, { kind: 'certificate', typeCode: 'X', minLevel: 'intermediate' }),
      rule('B', other, { kind: 'certificate', typeCode: 'X' }),
      rule('C', target, { kind: 'course', code: 'CS1', minScore: '60' }),
    ])
    const base = {
      entryId: 'e',
      learnerId: 'l',
      orgId: 'o',
      title: 't',
      code: null,
      credits: null,
      hours: null,
      score: null,
      scale: null,
      category: null,
      occurredOn: '2026-01-01',
    }
    const cert = { ...base, kind: 'certificate', typeCode: 'X', level: 'senior' }
    t.same(
      index
        .match(cert, [{ orgId: target, programCode: 'P' }], '2026-06-01')
        .map((m) => m.rule.code),
      ['A'],
    )
    t.same(
      index.match(
        { ...cert, level: 'junior' },
        [{ orgId: target, programCode: 'P' }],
        '2026-06-01',
      ),
      [],
    )
    const course = {
      ...base,
      kind: 'course',
      typeCode: null,
      level: null,
      code: 'CS1',
      score: '4',
      scale: '5',
    }
    t.same(
      index
        .match(course, [{ orgId: target, programCode: 'P' }], '2026-06-01')
        .map((m) => m.rule.code),
      ['C'],
      '4 of 5 is 80 of 100',
    )
    t.same(
      index.match({ ...course, score: '2.9' }, [{ orgId: target, programCode: 'P' }], '2026-06-01'),
      [],
      '58 of 100 is below 60',
    )
  },
)
