import type { CloudEvent } from '@creditbank/events'
import { decodeCursor, encodeCursor } from '@creditbank/service-kit'
import type { Kysely } from 'kysely'
import {
  insertDueNotifications,
  insertNotification,
  markRead,
  notificationRows,
  unreadCount,
  updateWatch,
  watchApplication,
} from '../db/notification.repository.js'
import type { PortfolioDB } from '../db/schema.js'
import { certificateTypeOf, titleOf } from '../db/timeline.repository.js'

type Data = Record<string, unknown>
type Db = Kysely<PortfolioDB>
const s = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null)

interface Note {
  kind: string
  ref: string | null
  org: string | null
  data: Data
}

/**
 * What each event tells the learner, or null when it tells nothing new: the learner's own acts
 * (claiming, appealing, withdrawing) and the echoes of another event (the ledger copy of a
 * certificate, the final step's `decided` beside `approved`/`rejected`, the recognized entry
 * beside the approval).
 */
const notes: Record<string, (trx: Db, d: Data) => Promise<Note | null>> = {
  'accounts.outcome.posted': async (_trx, d) =>
    s(d.certificateId)
      ? null
      : {
          kind: 'outcome_posted',
          ref: s(d.entryId),
          org: s(d.orgId),
          data: {
            title: d.title,
            outcomeKind: d.kind,
            credits: d.credits,
            hours: d.hours,
            occurredOn: d.occurredOn,
          },
        },
  'accounts.entry.reversed': async (trx, d) => ({
    kind: 'entry_reversed',
    ref: s(d.reversedEntryId),
    org: s(d.orgId),
    data: {
      title: await titleOf(trx, String(d.learnerId), String(d.reversedEntryId)),
    },
  }),
  // Which fields, and who: the values themselves are on the learner's "who looked" page (accounts).
  'accounts.learner.corrected': async (_trx, d) => ({
    kind: 'learner_corrected',
    ref: null,
    org: s(d.orgId),
    data: { fields: Array.isArray(d.fields) ? d.fields : [] },
  }),
  'certificates.certificate.issued': async (_trx, d) => ({
    kind: 'certificate_issued',
    ref: s(d.certificateId),
    org: s(d.evaluationOrgId),
    // The type's code too, so the page names it in the reader's language from the catalog.
    data: {
      typeName: d.typeName,
      typeCode: d.typeCode,
      level: d.level,
      number: d.number,
      issuedOn: d.issuedOn,
    },
  }),
  'certificates.certificate.revoked': async (trx, d) => ({
    kind: 'certificate_revoked',
    ref: s(d.certificateId),
    org: s(d.evaluationOrgId),
    data: {
      title: await titleOf(trx, String(d.learnerId), String(d.certificateId)),
      ...(await certificateTypeOf(trx, String(d.learnerId), String(d.certificateId))),
      number: d.number,
    },
  }),
  'recognition.application.opened': async (trx, d) => {
    const award = (d.award ?? {}) as Data
    await watchApplication(trx, {
      application_id: String(d.applicationId),
      learner_id: String(d.learnerId),
      target_org_id: String(d.targetOrgId),
      course_name: String(award.courseName ?? ''),
      due_at: s(d.dueAt),
    })
    return {
      kind: 'application_opened',
      ref: s(d.applicationId),
      org: s(d.targetOrgId),
      data: {
        courseName: award.courseName,
        credits: award.credits,
        origin: d.origin,
        dueAt: d.dueAt ?? null,
      },
    }
  },
  'recognition.application.decided': async (trx, d) => {
    if (d.status !== 'in_review') return null
    const w = await updateWatch(trx, String(d.applicationId), {
      ...(d.dueAt !== undefined ? { due_at: s(d.dueAt) } : {}),
    })
    return {
      kind: 'application_step_approved',
      ref: s(d.applicationId),
      org: w?.target_org_id ?? null,
      data: { courseName: w?.course_name ?? null, step: d.step, nextStep: d.nextStep ?? null },
    }
  },
  'recognition.application.approved': async (trx, d) => {
    await updateWatch(trx, String(d.applicationId), { open: false })
    return {
      kind: 'application_approved',
      ref: s(d.applicationId),
      org: s(d.targetOrgId),
      data: { courseName: d.courseName, credits: d.credits },
    }
  },
  'recognition.application.rejected': async (trx, d) => {
    const w = await updateWatch(trx, String(d.applicationId), { open: false })
    return {
      kind: 'application_rejected',
      ref: s(d.applicationId),
      org: s(d.targetOrgId),
      data: { courseName: w?.course_name ?? null },
    }
  },
  'recognition.application.withdrawn': async (trx, d) => {
    const w = await updateWatch(trx, String(d.applicationId), { open: false })
    if (d.by !== 'system') return null
    return {
      kind: 'application_closed',
      ref: s(d.applicationId),
      org: s(d.targetOrgId),
      data: { courseName: w?.course_name ?? null, reason: d.reason },
    }
  },
  'recognition.application.appealed': async (trx, d) => {
    await updateWatch(trx, String(d.applicationId), { open: true })
    return null
  },
}

/** Called with every consumed event, in the projection's transaction. */
export async function notify(trx: Db, event: CloudEvent<Data>) {
  const learnerId = s(event.data.learnerId)
  const make = notes[event.type]
  if (!learnerId || !make) return
  const note = await make(trx, event.data)
  if (!note) return
  await insertNotification(trx, {
    id: event.id,
    learner_id: learnerId,
    kind: note.kind,
    at: event.time,
    ref_id: note.ref,
    org_id: note.org,
    data: note.data,
  })
}

const UUID = /^[0-9a-f-]{36}$/i

/** Unread first, then newest; the cursor is the last row's (read, time, id). */
export async function notificationsPage(
  db: Db,
  learnerId: string,
  q: { limit?: number; cursor?: string },
) {
  const limit = q.limit ?? 20
  const c = decodeCursor(q.cursor, 3)
  if (c && (typeof c[1] !== 'string' || Number.isNaN(Date.parse(c[1])) || !UUID.test(String(c[2]))))
    decodeCursor('!', 3)
  await insertDueNotifications(db, learnerId)
  const rows = await notificationRows(db, learnerId, {
    limit,
    ...(c ? { after: { read: c[0] === 1, at: String(c[1]), id: String(c[2]) } } : {}),
  })
  const page = rows.slice(0, limit)
  const last = rows.length > limit ? page.at(-1) : undefined
  return {
    items: page.map((r) => ({
      id: r.id,
      kind: r.kind,
      at: r.at.toISOString(),
      read: r.read_at !== null,
      refId: r.ref_id,
      orgId: r.org_id,
      orgName: r.org_name ?? null,
      data: r.data,
    })),
    nextCursor: last ? encodeCursor([last.read_at ? 1 : 0, last.at.toISOString(), last.id]) : null,
    unread: await unreadCount(db, learnerId),
  }
}

export async function readNotifications(db: Db, learnerId: string, ids: string[] | 'all') {
  const marked = await markRead(db, learnerId, ids)
  return { marked, unread: await unreadCount(db, learnerId) }
}
