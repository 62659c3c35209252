import type { AccountsEventType } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import { idCursorKey, openFor, sealFor, toPage } from '@creditbank/service-kit'
import type { Kysely, Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import type { LearnerRow } from '../db/learner.repository.js'
import type { AccountsDB } from '../db/schema.js'
import { accountsErrors } from './errors.js'
import { identify, learnerView } from './learners.js'
import { maskNationalId } from './national-id.js'
import { learnerKeys, openPersonal, sealPersonal } from './personal.js'

export interface CorrectionInput {
  name?: string
  nationalId?: string
  /** Why (free text about the person): kept sealed under their key like the old values. */
  reason?: string
}

/**
 * The opening organization corrects a learner's name or 身份证号 (PIPL Art. 46, decision 0730):
 * the new values are sealed in place of the old, the old ones are kept only sealed under the
 * learner's key in learner_correction (who, when, which fields in the clear), and
 * accounts.learner.corrected tells the services that show the name to ask for it again.
 */
export async function correctLearner(
  trx: Transaction<AccountsDB>,
  piiKey: Buffer,
  learnerId: string,
  input: CorrectionInput,
  by: { actor: string; orgId: string | null; admin: boolean },
  publish: Publish<AccountsEventType>,
) {
  const l = (await trx
    .selectFrom('learner')
    .selectAll()
    .where('id', '=', learnerId)
    .forUpdate()
    .executeTakeFirst()) as LearnerRow | undefined
  if (!l) throw accountsErrors.ACCOUNTS_LEARNER_NOT_FOUND()
  if (!by.admin && (by.orgId === null || l.opened_by_org_id !== by.orgId))
    throw accountsErrors.ACCOUNTS_CORRECTION_FORBIDDEN()
  if (l.erased_at !== null) throw accountsErrors.ACCOUNTS_LEARNER_ERASED()
  const key = await learnerKeys(piiKey).get(trx, learnerId)
  const before = openPersonal(key, l.personal_sealed)
  if (!key || !before) throw accountsErrors.ACCOUNTS_LEARNER_ERASED()
  const who = identify(piiKey, {
    nationalId: input.nationalId ?? before.nationalId,
    name: input.name ?? before.name,
  })
  const fields: ('name' | 'nationalId')[] = [
    ...(who.name !== before.name ? (['name'] as const) : []),
    ...(who.id !== before.nationalId ? (['nationalId'] as const) : []),
  ]
  if (fields.length === 0) throw accountsErrors.ACCOUNTS_CORRECTION_EMPTY()
  if (who.id !== before.nationalId) {
    const taken = await trx
      .selectFrom('learner')
      .select('id')
      .where('national_id_hash', '=', who.hash)
      .executeTakeFirst()
    if (taken) throw accountsErrors.ACCOUNTS_IDENTITY_CONFLICT()
  }
  const after = { name: who.name, nationalId: who.id, birthDate: who.birthDate }
  const updated = (await trx
    .updateTable('learner')
    .set({
      personal_sealed: sealPersonal(key, after),
      name_hash: who.nameHash,
      national_id_hash: who.hash,
    })
    .where('id', '=', learnerId)
    .returningAll()
    .executeTakeFirstOrThrow()) as LearnerRow
  await trx
    .insertInto('learner_correction')
    .values({
      id: uuidv7(),
      learner_id: learnerId,
      fields,
      previous_sealed: sealPersonal(key, before),
      reason_sealed: input.reason ? sealFor(key, input.reason) : null,
      corrected_by: by.actor,
      org_id: by.orgId,
      corrected_at: new Date(),
    })
    .execute()
  await publish(trx, [
    {
      type: 'accounts.learner.corrected',
      subject: learnerId,
      data: { learnerId, fields, orgId: by.orgId },
    },
  ])
  return learnerView(updated, after)
}

/**
 * The corrections of a learner's name or 身份证号, newest first, for the learner and admins: when,
 * by whom (the organization, or the platform), which fields, the values before (the number masked)
 * and the reason, opened under the learner's key; after an erasure only when, who and which fields.
 */
export async function listCorrections(
  db: Kysely<AccountsDB>,
  piiKey: Buffer,
  learnerId: string,
  q: { limit?: number; cursor?: string },
) {
  const limit = q.limit ?? 20
  const after = idCursorKey(q.cursor)
  let query = db
    .selectFrom('learner_correction as c')
    .leftJoin('organization as o', 'o.id', 'c.org_id')
    .selectAll('c')
    .select('o.name as org_name')
    .where('c.learner_id', '=', learnerId)
  if (after) query = query.where('c.id', '<', after)
  const rows = await query
    .orderBy('c.id', 'desc')
    .limit(limit + 1)
    .execute()
  const key = rows.length ? await learnerKeys(piiKey).get(db, learnerId) : null
  return toPage(
    rows,
    limit,
    (r) => [r.id],
    (r) => {
      const fields = r.fields as ('name' | 'nationalId')[]
      const before = openPersonal(key, r.previous_sealed)
      return {
        id: r.id,
        at: r.corrected_at.toISOString(),
        fields,
        previous: before
          ? {
              name: fields.includes('name') ? before.name : null,
              nationalIdMasked: fields.includes('nationalId')
                ? maskNationalId(before.nationalId)
                : null,
            }
          : null,
        reason: openFor(key, r.reason_sealed),
        role: r.org_id ? 'registrar' : 'admin',
        organization: r.org_id ? { id: r.org_id, name: r.org_name ?? null } : null,
      }
    },
  )
}
