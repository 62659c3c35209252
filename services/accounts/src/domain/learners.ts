import { type AccountsEventType, chinaDate, fieldErrorText } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import { keyedHash } from '@creditbank/service-kit'
import type { Kysely, Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import {
  findLearnerByHash,
  findLearnerByHashForUpdate,
  findLearnerByUser,
  insertLearners,
  type LearnerRow,
  linkUser,
  nextAccountSerial,
} from '../db/learner.repository.js'
import type { AccountsDB } from '../db/schema.js'
import { accountNoFor } from './account-no.js'
import { GENESIS_HASH } from './chain.js'
import { accountsErrors } from './errors.js'
import {
  birthDateOf,
  maskNationalId,
  nationalIdProblem,
  normalizeName,
  normalizeNationalId,
  regionOfNationalId,
} from './national-id.js'
import { learnerKeys, nameHashOf, type Personal, personalOf, sealPersonal } from './personal.js'

export const categories = [
  'student',
  'unemployed_graduate',
  'veteran',
  'migrant_worker',
  'farmer',
  'disabled',
  'laid_off_worker',
  'employee',
  'other',
] as const

export interface PersonInput {
  nationalId: string
  name: string
  birthDate?: string
  category?: string
}

/** The person behind a national id: validated, normalized, and its keyed hash. Never logged. */
export function identify(piiKey: Buffer, input: PersonInput) {
  const id = normalizeNationalId(input.nationalId)
  const problem = nationalIdProblem(id, chinaDate())
  if (problem)
    throw accountsErrors.ACCOUNTS_NATIONAL_ID_INVALID(undefined, [
      {
        path: '/nationalId',
        code: problem,
        message: fieldErrorText[problem]![0],
      },
    ])
  const birthDate = birthDateOf(id)
  const name = normalizeName(input.name)
  if (input.birthDate !== undefined && input.birthDate !== birthDate) {
    throw accountsErrors.ACCOUNTS_BIRTH_DATE_MISMATCH(undefined, [
      { path: '/birthDate', message: 'does not match the birth date in the national id' },
    ])
  }
  return {
    id,
    hash: keyedHash(piiKey, id),
    name,
    nameHash: nameHashOf(piiKey, name, birthDate),
    birthDate,
  }
}

/** A learner as the API shows them; an erased learner (no key) has no name, number or birth date. */
export function learnerView(l: LearnerRow, p: Personal | null) {
  return {
    id: l.id,
    accountNo: l.account_no,
    name: p?.name ?? null,
    nationalIdMasked: p ? maskNationalId(p.nationalId) : null,
    birthDate: p?.birthDate ?? null,
    category: l.category,
    claimed: l.user_id !== null,
    openedAt: l.opened_at.toISOString(),
    erased: l.erased_at !== null,
  }
}

/** learnerView with the learner's personal data opened under their key. */
export async function learnerViewOf(db: Kysely<AccountsDB>, piiKey: Buffer, l: LearnerRow) {
  return learnerView(l, (await personalOf(db, piiKey, [l])).get(l.id) ?? null)
}

/**
 * The answer of an opening or a claim: the personal data in hand when the account was just opened
 * (what was sealed), else the learner's as kept, opened under their key.
 */
export function openedViewOf(
  db: Kysely<AccountsDB>,
  piiKey: Buffer,
  o: { learner: LearnerRow; personal?: Personal },
) {
  return o.personal ? learnerView(o.learner, o.personal) : learnerViewOf(db, piiKey, o.learner)
}

/**
 * Opens an account, or finds the one the person already has: the same national id and name is
 * the same learner (200). The same national id under another name is a conflict (409): one of
 * the two registrations is wrong and a person must look. An account opened here (201) comes with
 * the personal data just sealed for it, so its answer needs no key read back and opened.
 */
export async function openLearner(
  trx: Transaction<AccountsDB>,
  piiKey: Buffer,
  input: PersonInput,
  openedByOrgId: string | null,
  publish: Publish<AccountsEventType>,
) {
  const who = identify(piiKey, input)
  const existing = await findLearnerByHash(trx, who.hash)
  if (existing) {
    if (existing.name_hash !== who.nameHash) throw accountsErrors.ACCOUNTS_IDENTITY_CONFLICT()
    return { status: 200 as const, learner: existing }
  }
  const serial = await nextAccountSerial(trx)
  const id = uuidv7()
  const personal: Personal = { name: who.name, nationalId: who.id, birthDate: who.birthDate }
  // The learner's key is made here and stored in the statement that inserts the learner.
  const { keys, rows } = learnerKeys(piiKey).forNew([id])
  const [learner] = await insertLearners(
    trx,
    [
      {
        id,
        account_no: accountNoFor(new Date().getUTCFullYear(), serial),
        national_id_hash: who.hash,
        personal_sealed: sealPersonal(keys.get(id)!, personal),
        name_hash: who.nameHash,
        category: input.category ?? 'other',
        opened_by_org_id: openedByOrgId,
      },
    ],
    rows,
    GENESIS_HASH,
  )
  if (!learner) {
    // Opened at the same moment by another transaction: the unique hash kept one row.
    const raced = await findLearnerByHash(trx, who.hash)
    if (!raced || raced.name_hash !== who.nameHash)
      throw accountsErrors.ACCOUNTS_IDENTITY_CONFLICT()
    return { status: 200 as const, learner: raced }
  }
  await publish(trx, [
    {
      type: 'accounts.learner.opened',
      subject: learner.id,
      data: {
        learnerId: learner.id,
        accountNo: learner.account_no,
        category: learner.category,
        openedByOrgId,
        regionCode: regionOfNationalId(who.id),
      },
    },
  ])
  return { status: 201 as const, learner, personal }
}

/** Look-up by national id and name: a wrong name is as unknown as a wrong id. */
export async function lookupLearner(db: Kysely<AccountsDB>, piiKey: Buffer, input: PersonInput) {
  const who = identify(piiKey, input)
  const l = await findLearnerByHash(db, who.hash)
  if (!l || l.name_hash !== who.nameHash) throw accountsErrors.ACCOUNTS_LEARNER_NOT_FOUND()
  return { id: l.id, accountNo: l.account_no }
}

/**
 * A signed-up learner links the account of their national id to their user (opening one if
 * there is none). identity consumes accounts.learner.claimed and puts the learner in later tokens.
 */
export async function claimLearner(
  trx: Transaction<AccountsDB>,
  piiKey: Buffer,
  input: PersonInput,
  userId: string,
  publish: Publish<AccountsEventType>,
) {
  const who = identify(piiKey, input)
  const mine = await findLearnerByUser(trx, userId)
  if (mine && mine.national_id_hash !== who.hash)
    throw accountsErrors.ACCOUNTS_USER_ALREADY_LINKED()
  if (mine) {
    if (mine.name_hash !== who.nameHash) throw accountsErrors.ACCOUNTS_IDENTITY_CONFLICT()
    return { status: 200 as const, learner: mine }
  }
  const opened = await openLearner(trx, piiKey, input, null, publish)
  const current = await findLearnerByHashForUpdate(trx, who.hash)
  if (!current) throw accountsErrors.ACCOUNTS_LEARNER_NOT_FOUND()
  if (current.user_id !== null) {
    if (current.user_id !== userId) throw accountsErrors.ACCOUNTS_ALREADY_CLAIMED()
    return { status: 200 as const, learner: current }
  }
  const linked = await linkUser(trx, current.id, userId)
  if (!linked) throw accountsErrors.ACCOUNTS_ALREADY_CLAIMED()
  await publish(trx, [
    {
      type: 'accounts.learner.claimed',
      subject: linked.id,
      data: { learnerId: linked.id, userId },
    },
  ])
  if (opened.status === 201 && opened.learner.id === linked.id)
    return { status: 201 as const, learner: linked, personal: opened.personal }
  return { status: 200 as const, learner: linked }
}
