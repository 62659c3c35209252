import {
  chinaDate,
  creditUnits,
  fromUnits,
  MONEY_SCALE,
  roundUnits,
  showCredits,
  toUnits,
} from '@creditbank/contracts'
import type { Kysely } from 'kysely'
import { applicationsFor, type ScheduleVersionRow } from '../db/program.repository.js'
import { usableEntries } from '../db/projection.repository.js'
import type { RecognitionDB } from '../db/schema.js'
import { recognitionErrors } from './errors.js'
import type { ScheduleSpec } from './programs.js'
import { termByKey } from './terms.js'

/**
 * credits (hundredths) × price (fen) × share (hundredths) in fen, rounded half up to the fen once,
 * at the end: credits 2 places × price 2 places × share 2 places = 6 places of a yuan.
 */
export function amountOf(credits: bigint, priceFen: bigint, shareHundredths: bigint): bigint {
  const exact = credits * priceFen * shareHundredths // units of 10^-6 yuan
  return roundUnits(exact, 4, 'half_up') / 10_000n
}

export interface TuitionLine {
  kind: 'course' | 'recognized'
  entryId: string | null
  applicationId: string | null
  sourceEntryIds: string[]
  courseCode: string | null
  courseName: string
  on: string
  credits: string
  pricePerCredit: string
  share: string
  amount: string
}

const money = (fen: bigint) => fromUnits(fen, MONEY_SCALE)

/**
 * A learner's credit tuition for a term (学分制收费), each line explained: the school's courses taken
 * in the term (outcomes it posted with a date in the term) at the full price, and the credits
 * recognized in the term (applications approved then) exempt or at the schedule's share.
 */
export async function tuitionOf(
  db: Kysely<RecognitionDB>,
  input: {
    learnerId: string
    orgId: string
    programCode: string
    termKey: string
    schedule: ScheduleVersionRow
  },
) {
  const term = termByKey(input.termKey)
  const spec = input.schedule.body as ScheduleSpec
  const item = spec.items.find(
    (i) => i.programCode === input.programCode && i.year === term.academicYear,
  )
  if (!item)
    throw recognitionErrors.RECOGNITION_TUITION_NOT_FOUND(
      `version ${input.schedule.version} of the schedule prices no ${input.programCode} in academic year ${term.academicYear}`,
    )
  const price = toUnits(item.pricePerCredit, MONEY_SCALE)
  const share = item.recognizedCharge === 'exempt' ? 0n : toUnits(item.recognizedShare!, 2)
  const full = 100n
  const lines: TuitionLine[] = []
  for (const e of await usableEntries(db, input.learnerId)) {
    if (e.org_id !== input.orgId || e.kind !== 'course' || e.credits === null) continue
    if (e.occurred_on < term.start || e.occurred_on >= term.end) continue
    const credits = creditUnits(e.credits)
    lines.push({
      kind: 'course',
      entryId: e.id,
      applicationId: null,
      sourceEntryIds: [],
      courseCode: e.code,
      courseName: e.title,
      on: e.occurred_on,
      credits: showCredits(credits),
      pricePerCredit: item.pricePerCredit,
      share: '1',
      amount: money(amountOf(credits, price, full)),
    })
  }
  for (const a of await applicationsFor(db, input.learnerId, input.orgId, input.programCode)) {
    if (a.status !== 'approved' || a.credits === null || !a.approved_at) continue
    const on = chinaDate(a.approved_at)
    if (on < term.start || on >= term.end) continue
    const credits = creditUnits(a.credits)
    lines.push({
      kind: 'recognized',
      entryId: a.recognized_entry_id,
      applicationId: a.id,
      sourceEntryIds: a.source_entry_ids,
      courseCode: a.course_code,
      courseName: a.course_name,
      on,
      credits: showCredits(credits),
      pricePerCredit: item.pricePerCredit,
      share: item.recognizedCharge === 'exempt' ? '0' : item.recognizedShare!,
      amount: money(amountOf(credits, price, share)),
    })
  }
  const sumCredits = (k?: string) =>
    lines.reduce((s, l) => (k && l.kind !== k ? s : s + creditUnits(l.credits)), 0n)
  const due = lines.reduce((s, l) => s + toUnits(l.amount, MONEY_SCALE), 0n)
  return {
    learnerId: input.learnerId,
    orgId: input.orgId,
    programCode: input.programCode,
    term: { key: term.key, start: term.start, end: term.end, academicYear: term.academicYear },
    schedule: {
      version: input.schedule.version,
      createdAt: input.schedule.created_at.toISOString(),
      pricePerCredit: item.pricePerCredit,
      recognizedCharge: item.recognizedCharge,
      recognizedShare: item.recognizedShare ?? null,
    },
    creditsEnrolled: showCredits(sumCredits()),
    creditsRecognized: showCredits(sumCredits('recognized')),
    tuitionDue: money(due),
    lines,
  }
}
