/**
 * The 18-character resident identity number of GB 11643-1999: a 6-digit region code, the birth
 * date (YYYYMMDD), a 3-digit sequence and a check character from ISO 7064 MOD 11-2.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

export function checkCharacter(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!
  return CHECK[sum % 11]!
}

export function normalizeNationalId(raw: string): string {
  return raw.trim().toUpperCase()
}

export type NationalIdProblem =
  | 'NATIONAL_ID_FORMAT'
  | 'NATIONAL_ID_CHECK_DIGIT'
  | 'NATIONAL_ID_BIRTH_DATE'
  | 'NATIONAL_ID_BIRTH_IMPLAUSIBLE'

/**
 * Why the id is not valid, as the field error code a page words in its language (contracts'
 * fieldErrorText), or null when it is. `today` is 'YYYY-MM-DD'.
 */
export function nationalIdProblem(id: string, today: string): NationalIdProblem | null {
  if (!/^\d{17}[\dX]$/.test(id)) return 'NATIONAL_ID_FORMAT'
  if (checkCharacter(id.slice(0, 17)) !== id[17]) return 'NATIONAL_ID_CHECK_DIGIT'
  const birth = birthDateOf(id)
  const d = new Date(`${birth}T00:00:00Z`)
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== birth)
    return 'NATIONAL_ID_BIRTH_DATE'
  if (birth < '1900-01-01' || birth > today) return 'NATIONAL_ID_BIRTH_IMPLAUSIBLE'
  return null
}

export function birthDateOf(id: string): string {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`
}

/** First 6 and last 4 shown: `410105********123X`. */
export function maskNationalId(id: string): string {
  return `${id.slice(0, 6)}********${id.slice(-4)}`
}

/** The region of a 身份证号: its first six digits (GB/T 2260), the learner's city in oversight figures. */
export function regionOfNationalId(id: string): string | undefined {
  const code = id.slice(0, 6)
  return /^\d{6}$/.test(code) ? code : undefined
}

/** Names compare after trimming and Unicode normalization; nothing else is folded. */
export function normalizeName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ')
}
