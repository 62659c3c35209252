import type { Principal } from '@creditbank/auth'
import type { FieldError, RecognitionEventType } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import type { Kysely, Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import { allianceExists } from '../db/alliance.repository.js'
import {
  findRuleHeader,
  findRuleHeaderForUpdate,
  findRuleVersion,
  insertRuleHeader,
  insertRuleVersion,
  type RuleVersionRow,
  replaceMatchKey,
  setLatestVersion,
} from '../db/rule.repository.js'
import type { RecognitionDB } from '../db/schema.js'
import { recognitionErrors } from './errors.js'
import { ruleKey } from './rule-index.js'
import { type RuleSpec, ruleProblems } from './rule-spec.js'

/** JSON with sorted keys: two bodies that say the same thing compare equal. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export function ruleView(row: RuleVersionRow) {
  const spec = row.spec as RuleSpec
  return {
    ...spec,
    validTo: spec.validTo ?? null,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
  }
}

async function checkReferences(trx: Kysely<RecognitionDB>, spec: RuleSpec) {
  const problems: FieldError[] = []
  if (spec.source.allianceId && !(await allianceExists(trx, spec.source.allianceId)))
    problems.push({ path: '/source/allianceId', message: 'no such alliance' })
  for (const [i, step] of (spec.review.steps ?? []).entries()) {
    if (step.allianceId && !(await allianceExists(trx, step.allianceId)))
      problems.push({ path: `/review/steps/${i}/allianceId`, message: 'no such alliance' })
  }
  return problems
}

export async function validate(trx: Kysely<RecognitionDB>, spec: RuleSpec) {
  const problems = ruleProblems(spec)
  if (problems.length === 0) problems.push(...(await checkReferences(trx, spec)))
  if (problems.length)
    throw recognitionErrors.RECOGNITION_RULE_INVALID(
      problems.map((p) => `${p.path} ${p.message}`).join('; '),
      problems,
    )
}

async function writeVersion(
  trx: Transaction<RecognitionDB>,
  spec: RuleSpec,
  version: number,
  actor: Principal,
  publish: Publish<RecognitionEventType>,
) {
  const row = await insertRuleVersion(trx, {
    id: uuidv7(),
    code: spec.code,
    version,
    name: spec.name,
    target_org_id: spec.targetOrgId,
    source_kind: spec.source.kind,
    spec: JSON.stringify(spec),
    valid_from: spec.validFrom,
    valid_to: spec.validTo ?? null,
    created_by: actor.subject,
  })
  await setLatestVersion(trx, spec.code, version)
  await replaceMatchKey(trx, spec.code, {
    source_kind: spec.source.kind,
    target_org_id: spec.targetOrgId,
    match_key: ruleKey(spec),
    rule_version_id: row.id,
  })
  await publish(trx, [
    {
      type: 'recognition.rule.published',
      data: {
        code: spec.code,
        version,
        targetOrgId: spec.targetOrgId,
        sourceKind: spec.source.kind,
        reviewMode: spec.review.mode,
        validFrom: spec.validFrom,
        validTo: spec.validTo ?? null,
      },
    },
  ])
  return row
}

/** POST /v1/rules: version 1. The same body again answers the same version (200); another body under the code is a conflict. */
export async function createRule(
  trx: Transaction<RecognitionDB>,
  spec: RuleSpec,
  actor: Principal,
  publish: Publish<RecognitionEventType>,
) {
  await validate(trx, spec)
  const created = await insertRuleHeader(trx, spec.code, actor.org)
  if (!created) {
    const header = await findRuleHeader(trx, spec.code)
    const latest = header && (await findRuleVersion(trx, spec.code, header.latest_version))
    if (latest && canonical(latest.spec) === canonical(spec)) return { status: 200, row: latest }
    throw recognitionErrors.RECOGNITION_RULE_CODE_TAKEN()
  }
  return { status: 201, row: await writeVersion(trx, spec, 1, actor, publish) }
}

/** PUT /v1/rules/{code}: version n+1, unless the body is the latest version again (200, no new version). */
export async function updateRule(
  trx: Transaction<RecognitionDB>,
  code: string,
  spec: RuleSpec,
  actor: Principal,
  publish: Publish<RecognitionEventType>,
) {
  if (spec.code !== code)
    throw recognitionErrors.RECOGNITION_RULE_INVALID('code in the body differs from the path', [
      { path: '/code', message: `must be ${code}` },
    ])
  const header = await findRuleHeaderForUpdate(trx, code)
  if (!header) throw recognitionErrors.RECOGNITION_RULE_NOT_FOUND()
  const latest = await findRuleVersion(trx, code, header.latest_version)
  const mayChange =
    actor.roles.includes('admin') ||
    (actor.org !== null &&
      (actor.org === header.owner_org_id || actor.org === (latest?.target_org_id ?? null)))
  if (!mayChange) throw recognitionErrors.RECOGNITION_RULE_NOT_YOURS()
  await validate(trx, spec)
  if (latest && canonical(latest.spec) === canonical(spec)) return { status: 200, row: latest }
  return {
    status: 200,
    row: await writeVersion(trx, spec, header.latest_version + 1, actor, publish),
  }
}
