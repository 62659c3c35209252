import { decodeCursor, toPage } from '@creditbank/service-kit'
import type { Kysely } from 'kysely'
import type { PortfolioDB } from '../db/schema.js'
import { type TimelineRow, timelineRows } from '../db/timeline.repository.js'

export function itemView(r: TimelineRow) {
  const provenance = r.provenance as Record<string, unknown>
  return {
    id: r.event_id,
    type: r.event_type,
    category: r.category,
    entryId: r.ref_id,
    title: r.title,
    at: r.at.toISOString(),
    status: r.status,
    orgId: r.org_id,
    orgName: r.org_name ?? null,
    data: r.data,
    provenance: {
      source: String(provenance.source ?? ''),
      eventId: String(provenance.eventId ?? r.event_id),
      eventType: String(provenance.eventType ?? r.event_type),
      postedAt: String(provenance.postedAt ?? r.at.toISOString()),
      orgId: (provenance.orgId as string | null) ?? null,
      orgName: r.org_name ?? null,
      actor: (provenance.actor as string | null) ?? null,
      rule: (provenance.rule as Record<string, unknown> | null) ?? null,
      reason: (provenance.reason as string | null) ?? null,
    },
  }
}

/** A learner's timeline, newest first; the cursor is the (time, event id) of the last item. */
export async function timelinePage(
  db: Kysely<PortfolioDB>,
  learnerId: string,
  q: { limit?: number; cursor?: string },
) {
  const limit = q.limit ?? 20
  const after = decodeCursor(q.cursor, 2) as [string, string] | undefined
  if (after && (Number.isNaN(Date.parse(after[0])) || !/^[0-9a-f-]{36}$/.test(after[1])))
    decodeCursor('!', 2)
  const rows = await timelineRows(db, learnerId, { limit, ...(after ? { after } : {}) })
  return toPage(rows, limit, (r) => [r.at.toISOString(), r.event_id], itemView)
}
