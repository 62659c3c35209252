import { createHash, randomBytes } from 'node:crypto'
import type { TimelineRow } from '../db/timeline.repository.js'
import { OB_V3, VC_V2 } from './loader.js'

const LEVELS: Record<string, [string, string]> = {
  junior: ['初级', 'Junior'],
  intermediate: ['中级', 'Intermediate'],
  senior: ['高级', 'Senior'],
}

const ACHIEVEMENT_TYPE: Record<string, string> = {
  course: 'Course',
  training: 'CertificateOfCompletion',
  competition: 'Award',
  work: 'ext:WorkExperience',
  certificate: 'Certificate',
  recognized: 'Course',
}

export interface Names {
  zh: string
  en: string | null
}

/** A salted sha256 IdentityObject (Open Badges 3.0 §B.1.8) over the account number, never a national id. */
export function identityObject(identity: string) {
  const salt = randomBytes(16).toString('hex')
  return {
    type: 'IdentityObject',
    identityHash: `sha256$${createHash('sha256')
      .update(identity + salt)
      .digest('hex')}`,
    identityType: 'identifier',
    hashed: true,
    salt,
  }
}

/**
 * A name as Open Badges 3.0 has it, one string (its JSON Schema says `name` is a string), in
 * Chinese; where an English name exists it goes in the description beside it.
 */
export function displayName(n: Names) {
  return { name: n.zh, description: n.en ? `${n.zh} — ${n.en}` : n.zh }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null
}

/** The achievement of one timeline item: what was earned, described once per organization and code. */
export function achievementOf(item: TimelineRow, names: Names, issuerOrgId: string) {
  const d = item.data as Record<string, unknown>
  const kind = item.category === 'outcome' ? (str(d.kind) ?? 'course') : item.category
  const code = str(d.code) ?? str(d.courseCode) ?? str(d.typeCode)
  const level = str(d.level)
  const key =
    item.category === 'certificate' || kind === 'certificate'
      ? `certificate-type:${str(d.typeCode) ?? code ?? 'unknown'}:${level ?? 'any'}`
      : `${issuerOrgId}:${kind}:${code ?? createHash('sha256').update(item.title).digest('hex').slice(0, 16)}`
  const levelNames = level ? LEVELS[level] : undefined
  const zh = levelNames ? `${names.zh}（${levelNames[0]}）` : names.zh
  const en = names.en ? (levelNames ? `${names.en} (${levelNames[1]})` : names.en) : null
  const credits = str(d.credits)
  return {
    id: `urn:creditbank:achievement:${key.split(':').map(encodeURIComponent).join(':')}`,
    type: ['Achievement'],
    achievementType: ACHIEVEMENT_TYPE[kind] ?? 'Achievement',
    name: zh,
    description: en ? `${zh} — ${en}` : zh,
    criteria: { narrative: criteriaOf(item.category, kind, zh) },
    ...(code ? { humanCode: code } : {}),
    ...(credits ? { creditsAvailable: Number(credits) } : {}),
    inLanguage: 'zh-CN',
  }
}

function criteriaOf(category: string, kind: string, name: string) {
  if (category === 'recognized')
    return `经学分认定获得：${name}（Credits recognized by an approved application）`
  if (category === 'certificate' || kind === 'certificate')
    return `通过职业技能等级考核：${name}（Passed the 1+X vocational skill level assessment）`
  return `完成并通过：${name}（Completed and passed）`
}

export interface EntryCredentialInput {
  item: TimelineRow
  names: Names
  issuer: { did: string; name: string; orgId: string }
  identity: string
  status: { listUrl: string; index: number }
  credentialId: string
}

/** An Open Badges 3.0 AchievementCredential (W3C VC 2.0) for one timeline item, unsigned. */
export function achievementCredential(i: EntryCredentialInput) {
  const d = i.item.data as Record<string, unknown>
  const credits = str(d.credits)
  const score =
    d.grade && typeof d.grade === 'object'
      ? str((d.grade as Record<string, unknown>).score)
      : str(d.score)
  const validUntil = str(d.expiresOn)
  return {
    '@context': [VC_V2, OB_V3],
    id: i.credentialId,
    type: ['VerifiableCredential', 'AchievementCredential'],
    issuer: { id: i.issuer.did, type: ['Profile'], name: i.issuer.name },
    validFrom: i.item.at.toISOString(),
    ...(validUntil ? { validUntil: `${validUntil}T23:59:59Z` } : {}),
    awardedDate: i.item.at.toISOString(),
    ...displayName(i.names),
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [identityObject(i.identity)],
      achievement: achievementOf(i.item, i.names, i.issuer.orgId),
      ...(credits ? { creditsEarned: Number(credits) } : {}),
      ...(score ? { result: [{ type: ['Result'], value: score }] } : {}),
    },
    credentialStatus: statusEntry(i.status.listUrl, i.status.index),
  }
}

export function statusEntry(listUrl: string, index: number) {
  return {
    id: `${listUrl}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: String(index),
    statusListCredential: listUrl,
  }
}
