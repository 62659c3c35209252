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
    occurredOn: String(r.occurred_on),
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

/** A learner's timeline, newest learning first; the cursor is the last item's (day, time, event id). */
export async function timelinePage(
  db: Kysely<PortfolioDB>,
  learnerId: string,
  q: { limit?: number; cursor?: string },
) {
  const limit = q.limit ?? 20
  const after = decodeCursor(q.cursor, 3) as [string, string, string] | undefined
  if (
    after &&
    (!/^\d{4}-\d{2}-\d{2}$/.test(String(after[0])) ||
      Number.isNaN(Date.parse(after[1])) ||
      !/^[0-9a-f-]{36}$/.test(after[2]))
  )
    decodeCursor('!', 3)
  const rows = await timelineRows(db, learnerId, { limit, ...(after ? { after } : {}) })
  return toPage(
    rows,
    limit,
    (r) => [String(r.occurred_on), r.at.toISOString(), r.event_id],
    itemView,
  )
}
