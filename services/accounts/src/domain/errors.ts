import { defineErrors } from '@creditbank/contracts'

export const accountsErrors = defineErrors({
  ACCOUNTS_NATIONAL_ID_INVALID: [
    'invalid',
    'The national id is not a valid 18-character resident id',
  ],
  ACCOUNTS_BIRTH_DATE_MISMATCH: ['invalid', 'birthDate does not match the national id'],
  ACCOUNTS_IDENTITY_CONFLICT: ['conflict', 'This national id is registered under another name'],
  ACCOUNTS_LEARNER_NOT_FOUND: ['not_found', 'No such learner'],
  ACCOUNTS_ALREADY_CLAIMED: ['conflict', 'This account is already claimed by another user'],
  ACCOUNTS_USER_ALREADY_LINKED: ['conflict', 'This user has already claimed another account'],
  ACCOUNTS_CLAIM_FORBIDDEN: ['forbidden', 'Only a signed-in person claims an account'],
  ACCOUNTS_NOT_SHARED: ['forbidden', 'The learner has not shared this with your organization'],
  ACCOUNTS_NO_ORGANIZATION: ['forbidden', 'The caller acts for no organization (no org claim)'],
  ACCOUNTS_ORGANIZATION_UNKNOWN: ['invalid', 'The posting organization is not registered'],
  ACCOUNTS_KIND_NOT_ALLOWED: ['invalid', 'This organization may not post this kind of outcome'],
  ACCOUNTS_NOT_A_SCHOOL: ['invalid', 'Only schools enroll learners in programs'],
  ACCOUNTS_ENROLLMENT_CONFLICT: [
    'conflict',
    'The learner is already enrolled in this program with other details',
  ],
  ACCOUNTS_OUTCOME_INVALID: ['invalid', 'The outcome is not valid'],
  ACCOUNTS_BATCH_INVALID: ['invalid', 'Some items of the batch are not valid; nothing was written'],
  ACCOUNTS_EXTERNAL_REF_CONFLICT: [
    'conflict',
    'This externalRef was already posted with other content',
  ],
  ACCOUNTS_CSV_MALFORMED: ['bad_request', 'The CSV body cannot be read'],
  ACCOUNTS_ENTRY_NOT_FOUND: ['not_found', 'No such entry'],
  ACCOUNTS_ENTRY_ALREADY_REVERSED: ['conflict', 'This entry is already reversed'],
  ACCOUNTS_ENTRY_NOT_REVERSIBLE: [
    'invalid',
    'Only posted outcomes are reversed here; certificates are revoked and recognized credits belong to recognition',
  ],
})

/**
 * A unique index caught a race that the row locks do not serialize (the same externalRef posted
 * for two learners at once, a second reversal): a conflict, not a server error.
 */
export async function conflictOnDuplicate<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    const e = err as { code?: string; constraint?: string }
    if (e?.code !== '23505') throw err
    if (e.constraint === 'ledger_entry_reversal_once')
      throw accountsErrors.ACCOUNTS_ENTRY_ALREADY_REVERSED()
    if (e.constraint === 'ledger_entry_external_ref')
      throw accountsErrors.ACCOUNTS_EXTERNAL_REF_CONFLICT()
    if (e.constraint === 'learner_user_id_key') throw accountsErrors.ACCOUNTS_USER_ALREADY_LINKED()
    throw err
  }
}
