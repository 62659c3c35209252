import type { LearnerKeys } from '@creditbank/service-kit'
import * as vc from '@digitalbazaar/vc'
import type { Kysely } from 'kysely'
import { documentLoader, isVerifiableContext, VC_V1, VC_V2 } from '../credentials/loader.js'
import { digestsOf, mismatches, relatedResourceErrors } from '../credentials/related-resource.js'
import { verifySuites } from '../credentials/sign.js'
import { statusBit } from '../db/credential.repository.js'
import { findEvidence } from '../db/evidence.repository.js'
import type { PortfolioDB } from '../db/schema.js'
import { asArray, DATE_TIME, isObject } from './credential-input.js'
import { openEvidenceContent } from './evidence.js'

export type Check = 'schema' | 'signature' | 'expiry' | 'status' | 'integrity'

export interface Problem {
  check: Check
  type: string
  title: string
  detail: string
}

/** The VC API verification result: which checks ran, and what failed or could not be checked. */
export interface VerificationResult {
  verified: boolean
  checks: Check[]
  warnings: string[]
  errors: string[]
  problemDetails: Problem[]
}

const SPEC = 'https://www.w3.org/TR/vc-data-model#'
const PROBLEM_TYPE: Record<Check, string> = {
  schema: `${SPEC}MALFORMED_VALUE_ERROR`,
  signature: `${SPEC}CRYPTOGRAPHIC_SECURITY_ERROR`,
  expiry: `${SPEC}RANGE_ERROR`,
  status: 'https://www.w3.org/TR/vc-bitstring-status-list/#STATUS_VERIFICATION_ERROR',
  integrity: `${SPEC}CRYPTOGRAPHIC_SECURITY_ERROR`,
}

class Report {
  readonly checks: Check[] = []
  readonly warnings: string[] = []
  readonly problems: Problem[] = []

  ran(check: Check) {
    if (!this.checks.includes(check)) this.checks.push(check)
  }

  fail(check: Check, detail: string) {
    this.ran(check)
    this.problems.push({ check, type: PROBLEM_TYPE[check], title: `${check} check failed`, detail })
  }

  result(): VerificationResult {
    return {
      verified: this.problems.length === 0,
      checks: this.checks,
      warnings: this.warnings,
      errors: this.problems.map((p) => `${p.check}: ${p.detail}`),
      problemDetails: this.problems,
    }
  }
}

/** VC Data Model 2.0 structure, and the Open Badges / CLR subject where the type claims one. */
function schemaProblems(c: Record<string, unknown>): string[] {
  const out: string[] = []
  const contexts = asArray(c['@context'])
  if (contexts[0] !== VC_V2 && contexts[0] !== VC_V1)
    out.push('@context must start with the VC base context')
  for (const ctx of contexts)
    if (typeof ctx === 'string' && !isVerifiableContext(ctx))
      out.push(`unknown @context ${ctx} (contexts are never fetched)`)
  const types = asArray(c.type)
  if (!types.includes('VerifiableCredential')) out.push('type must include VerifiableCredential')
  const issuer =
    typeof c.issuer === 'string' ? c.issuer : isObject(c.issuer) ? c.issuer.id : undefined
  if (typeof issuer !== 'string' || !/^[a-z][a-z0-9+.-]*:/.test(issuer))
    out.push('issuer must be a URL or an object with an id URL')
  const subjects = asArray(c.credentialSubject)
  if (subjects.length === 0 || !subjects.every(isObject))
    out.push('credentialSubject must be an object')
  // VC 1.1 (`https://www.w3.org/2018/credentials/v1`) requires `issuanceDate`; its window is `issuanceDate`/`expirationDate`.
  if (contexts[0] === VC_V1 && c.issuanceDate === undefined)
    out.push('issuanceDate is required (VC 1.1)')
  for (const k of ['validFrom', 'validUntil', 'issuanceDate', 'expirationDate']) {
    if (c[k] !== undefined && (typeof c[k] !== 'string' || !DATE_TIME.test(c[k] as string)))
      out.push(`${k} must be an XML Schema dateTime`)
  }
  if (c.proof === undefined) out.push('proof is missing')
  for (const e of relatedResourceErrors(c.relatedResource))
    out.push(`${e.path.slice(1)} ${e.message}`)
  const subject = subjects[0]
  if (
    isObject(subject) &&
    (types.includes('AchievementCredential') || types.includes('OpenBadgeCredential'))
  ) {
    const a = subject.achievement
    if (!isObject(a) || typeof a.id !== 'string' || a.name === undefined || !isObject(a.criteria))
      out.push('credentialSubject.achievement must have id, name and criteria (Open Badges 3.0)')
    if (subject.id === undefined && asArray(subject.identifier).length === 0)
      out.push('credentialSubject needs an id or an identifier (Open Badges 3.0)')
  }
  if (
    isObject(subject) &&
    types.includes('ClrCredential') &&
    !Array.isArray(subject.verifiableCredential)
  )
    out.push('credentialSubject.verifiableCredential must be an array (CLR 2.0)')
  return out
}

function errorMessage(err: unknown): string {
  if (!err) return 'verification failed'
  const e = err as { message?: string; errors?: unknown[]; cause?: unknown }
  if (Array.isArray(e.errors) && e.errors.length) return e.errors.map(errorMessage).join('; ')
  return (e.message ?? String(err)).slice(0, 300)
}

async function signatureCheck(c: Record<string, unknown>, report: Report) {
  report.ran('signature')
  // Validity dates are the expiry check's business; give the library a moment inside the window
  // (VC 2.0 `validFrom`, VC 1.1 `issuanceDate`).
  const start = c.validFrom ?? c.issuanceDate
  const validFrom = typeof start === 'string' ? Date.parse(start) : Number.NaN
  const now = Number.isNaN(validFrom) ? new Date() : new Date(validFrom)
  try {
    const res = await vc.verifyCredential({
      credential: c,
      suite: verifySuites(c),
      documentLoader,
      now,
      checkStatus: async () => ({ verified: true }),
    })
    if (!res.verified)
      report.fail(
        'signature',
        errorMessage(res.results?.find((r) => !r.verified)?.error ?? res.error),
      )
  } catch (err) {
    report.fail('signature', errorMessage(err))
  }
}

function expiryCheck(c: Record<string, unknown>, report: Report, now: Date) {
  report.ran('expiry')
  const until = c.validUntil ?? c.expirationDate
  const from = c.validFrom ?? c.issuanceDate
  if (typeof until === 'string' && Date.parse(until) < now.getTime())
    report.fail('expiry', `the credential expired at ${until}`)
  if (typeof from === 'string' && Date.parse(from) > now.getTime())
    report.fail('expiry', `the credential is not valid before ${from}`)
}

async function statusCheck(
  db: Kysely<PortfolioDB>,
  publicBaseUrl: string,
  c: Record<string, unknown>,
  report: Report,
) {
  for (const entry of asArray(c.credentialStatus)) {
    report.ran('status')
    if (!isObject(entry) || entry.type !== 'BitstringStatusListEntry') {
      report.warnings.push(
        `status: entries of type ${isObject(entry) ? String(entry.type) : 'unknown'} are not checked`,
      )
      continue
    }
    const url = String(entry.statusListCredential ?? '')
    const prefix = `${publicBaseUrl}/status-lists/`
    const listId = url.startsWith(prefix) ? url.slice(prefix.length) : ''
    const index = Number(entry.statusListIndex)
    if (!/^[0-9a-f-]{36}$/.test(listId)) {
      report.warnings.push(`status: ${url} is not a list of this service and is not fetched`)
      continue
    }
    // Only the bit is read, fresh from Postgres: a revocation shows at once.
    const found =
      Number.isSafeInteger(index) && index >= 0 ? await statusBit(db, listId, index) : { bit: null }
    if (!found) {
      report.fail('status', `status list ${url} does not exist`)
      continue
    }
    if (found.bit === null) {
      report.fail('status', `statusListIndex ${String(entry.statusListIndex)} is outside the list`)
      continue
    }
    if (found.bit === 1)
      report.fail(
        'status',
        `the credential was revoked (${String(entry.statusPurpose ?? 'revocation')} bit ${index} is set)`,
      )
  }
}

/** The id of an evidence file this service serves, from its public URL. */
function evidenceIdOf(publicBaseUrl: string, url: string) {
  const m = /^\/v1\/evidence\/([0-9a-f-]{36})(\?.*)?$/i.exec(
    url.startsWith(publicBaseUrl) ? url.slice(publicBaseUrl.length) : '',
  )
  return m ? (m[1] as string).toLowerCase() : null
}

/**
 * VC Data Model 2.0 §5.3: the digest of each related resource this service serves (an evidence
 * file, whose bytes never change) is computed and compared; another site's resource is not
 * fetched, and the verifier says so.
 */
async function integrityCheck(ctx: VerifyContext, c: Record<string, unknown>, report: Report) {
  const { db, publicBaseUrl } = ctx
  if (relatedResourceErrors(c.relatedResource).length > 0) return
  for (const r of asArray(c.relatedResource)) {
    if (!isObject(r) || typeof r.id !== 'string') continue
    report.ran('integrity')
    const evidenceId = evidenceIdOf(publicBaseUrl, r.id)
    if (!evidenceId) {
      report.warnings.push(
        `integrity: ${r.id} is not a resource of this service and is not fetched`,
      )
      continue
    }
    const evidence = await findEvidence(db, evidenceId)
    if (!evidence) {
      report.fail('integrity', `${r.id}: no such resource`)
      continue
    }
    // The bytes are sealed under the learner's key: an erased learner's file is gone.
    const bytes = await openEvidenceContent(db, ctx.keys, evidence)
    if (!bytes) {
      report.fail('integrity', `${r.id}: no such resource`)
      continue
    }
    const wrong = mismatches(digestsOf(r), bytes)
    if (wrong.length > 0)
      report.fail(
        'integrity',
        `${r.id}: the ${wrong.map((d) => d.algorithm).join(', ')} digest does not match the resource`,
      )
  }
}

export interface VerifyContext {
  db: Kysely<PortfolioDB>
  publicBaseUrl: string
  keys: LearnerKeys
}

/** Verifies one credential: schema, signature, expiry and status, each reported on its own. */
export async function verifyOne(
  ctx: VerifyContext,
  credential: unknown,
  now = new Date(),
): Promise<VerificationResult> {
  const report = new Report()
  report.ran('schema')
  if (!isObject(credential)) {
    report.fail('schema', 'the credential must be a JSON object')
    return report.result()
  }
  const shape = schemaProblems(credential)
  for (const p of shape) report.fail('schema', p)
  const contextsKnown = !shape.some((p) => p.startsWith('unknown @context'))
  if (credential.proof !== undefined && contextsKnown) await signatureCheck(credential, report)
  else
    report.fail(
      'signature',
      contextsKnown ? 'no proof to verify' : 'not checked: the credential uses an unknown context',
    )
  expiryCheck(credential, report, now)
  await statusCheck(ctx.db, ctx.publicBaseUrl, credential, report)
  await integrityCheck(ctx, credential, report)
  return report.result()
}

/** What `verifiableCredential` expands to in the VC 2.0 context. */
const VERIFIABLE_CREDENTIAL_IRI = 'https://www.w3.org/2018/credentials#verifiableCredential'

/**
 * Verifies a presentation: its own proof when it has one (an unsigned presentation is reported as
 * a warning), and every credential in it with verifyOne.
 */
export async function verifyPresentation(
  ctx: VerifyContext,
  presentation: unknown,
  options: { challenge?: string; domain?: string } = {},
) {
  const report = new Report()
  report.ran('schema')
  if (!isObject(presentation) || !asArray(presentation.type).includes('VerifiablePresentation')) {
    report.fail('schema', 'type must include VerifiablePresentation')
    return { ...report.result(), credentialResults: [] }
  }
  const contexts = asArray(presentation['@context'])
  // VC Data Model 2.0 §4.3 (and 1.1 before it): the base context comes first, signed or not.
  if (contexts[0] !== VC_V2 && contexts[0] !== VC_V1)
    report.fail('schema', `@context must start with ${VC_V2}`)
  for (const c of contexts)
    if (typeof c === 'string' && !isVerifiableContext(c))
      report.fail('schema', `unknown @context ${c} (contexts are never fetched)`)
  // The same property under its full IRI (what `verifiableCredential` expands to) would carry
  // credentials that are never checked below; a conforming presentation is in compacted form.
  if (VERIFIABLE_CREDENTIAL_IRI in presentation)
    report.fail(
      'schema',
      `${VERIFIABLE_CREDENTIAL_IRI} is not allowed: credentials go under verifiableCredential`,
    )
  if (presentation.proof !== undefined) {
    report.ran('signature')
    try {
      // The holder's proof covers the credentials, so it is checked over the whole presentation; only
      // its own result is read here (each credential is reported by verifyOne below).
      const res = await vc.verify({
        presentation,
        suite: verifySuites(presentation),
        documentLoader,
        ...(options.challenge ? { challenge: options.challenge } : {}),
      })
      const own = res.presentationResult
      if (!own?.verified)
        report.fail(
          'signature',
          `presentation: ${errorMessage(own?.results?.find((r: { verified: boolean }) => !r.verified)?.error ?? own?.error ?? res.error)}`,
        )
    } catch (err) {
      report.fail('signature', `presentation: ${errorMessage(err)}`)
    }
  } else {
    report.warnings.push(
      'the presentation itself is not signed; its credentials are verified one by one',
    )
  }
  const credentialResults: VerificationResult[] = []
  const credentials = asArray(presentation.verifiableCredential)
  for (const [i, c] of credentials.slice(0, 200).entries()) {
    const r = await verifyOne(ctx, c)
    credentialResults.push(r)
    for (const check of r.checks) report.ran(check)
    for (const w of r.warnings) report.warnings.push(`verifiableCredential[${i}] ${w}`)
    for (const p of r.problemDetails)
      report.fail(p.check, `verifiableCredential[${i}]: ${p.detail}`)
  }
  return { ...report.result(), credentialResults }
}
