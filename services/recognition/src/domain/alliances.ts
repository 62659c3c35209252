import type { Principal } from '@creditbank/auth'
import type { RecognitionEventType } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import type { Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import { findAllianceByCode, insertAlliance, membersOf } from '../db/alliance.repository.js'
import { bumpGeneration } from '../db/rule.repository.js'
import type { RecognitionDB } from '../db/schema.js'
import { recognitionErrors } from './errors.js'

export interface NewAlliance {
  code: string
  name: string
  memberOrgIds: string[]
}

export function allianceView(
  a: { id: string; code: string; name: string; created_at: Date | string },
  members: string[],
) {
  return {
    id: a.id,
    code: a.code,
    name: a.name,
    memberOrgIds: members,
    createdAt: new Date(a.created_at).toISOString(),
  }
}

/** The code is the natural key: the same alliance again answers it (200); other members or name under the code is a conflict. */
export async function createAlliance(
  trx: Transaction<RecognitionDB>,
  input: NewAlliance,
  actor: Principal,
  publish: Publish<RecognitionEventType>,
) {
  const members = [...new Set(input.memberOrgIds)].sort()
  const existing = await findAllianceByCode(trx, input.code)
  if (existing) {
    const current = (await membersOf(trx, [existing.id])).map((m) => m.org_id)
    if (existing.name === input.name && current.join() === members.join())
      return { status: 200, body: allianceView(existing, current) }
    throw recognitionErrors.RECOGNITION_ALLIANCE_CODE_TAKEN()
  }
  const row = await insertAlliance(
    trx,
    { id: uuidv7(), code: input.code, name: input.name, created_by: actor.subject },
    members,
  )
  // Rules may name the alliance: the matchers rebuild with its members.
  await bumpGeneration(trx)
  await publish(trx, [
    {
      type: 'recognition.alliance.created',
      data: { allianceId: row.id, code: row.code, name: row.name, memberOrgIds: members },
    },
  ])
  return { status: 201, body: allianceView(row, members) }
}
