// A spreadsheet sent twice (decision 0545): rows with 外部编号 answer their entries, but rows without
// one would be posted again. Each committed file that wrote something is kept by the digest of its
// bytes and of the rows it holds (the same rows saved again by Excel have other bytes), and a file
// that matches one is refused unless the registrar says to import it again.
import { createHash } from 'node:crypto'
import type { SheetRead } from '@creditbank/spreadsheet'
import type { Lang } from '@creditbank/spreadsheet/messages'
import type { Kysely } from 'kysely'
import { uuidv7 } from 'uuidv7'
import type { AccountsDB } from '../db/schema.js'
import { accountsErrors } from './errors.js'

export interface FileDigests {
  sha256: string
  rowsSha256: string
}

/** The earlier import of the same file, as the answer and the page show it. */
export interface EarlierImport {
  importId: string
  committedAt: string
  rowCount: number
  created: number
}

export function digests(bytes: Buffer, read: SheetRead): FileDigests {
  const rows = createHash('sha256')
  for (const r of read.rows) rows.update(`${JSON.stringify(r.values)}\n`)
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    rowsSha256: rows.digest('hex'),
  }
}

/** The latest committed import of this file (or of the same rows) by this organization. */
export async function earlierImport(
  db: Kysely<AccountsDB>,
  orgId: string,
  kind: 'outcomes' | 'enrollments',
  d: FileDigests,
): Promise<EarlierImport | null> {
  const row = await db
    .selectFrom('import_file')
    .select(['id', 'committed_at', 'row_count', 'created'])
    .where('org_id', '=', orgId)
    .where('kind', '=', kind)
    .where((w) => w.or([w('sha256', '=', d.sha256), w('rows_sha256', '=', d.rowsSha256)]))
    .orderBy('committed_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row
    ? {
        importId: row.id,
        committedAt: new Date(row.committed_at).toISOString(),
        rowCount: row.row_count,
        created: row.created,
      }
    : null
}

/** China's time of day, as the registrar knows it: 2026-12-06 18:32. */
function chinaTime(iso: string) {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
}

/** 409 naming the earlier import: when, how many rows, how many it wrote. */
export function repeatedFile(earlier: EarlierImport, wouldCreate: number, lang: Lang) {
  const when = chinaTime(earlier.committedAt)
  const message =
    lang === 'en'
      ? `imported on ${when} (China time): ${earlier.rowCount} rows, ${earlier.created} written; again it would write ${wouldCreate}`
      : `已于 ${when}（北京时间）导入：共 ${earlier.rowCount} 行，新增 ${earlier.created} 条；再次导入将再新增 ${wouldCreate} 条`
  return accountsErrors.ACCOUNTS_IMPORT_REPEATED(
    `This file was imported on ${earlier.committedAt} (import ${earlier.importId}: ${earlier.rowCount} rows, ${earlier.created} written); importing it again would write ${wouldCreate} rows again. Send repeat=true to import it again.`,
    [{ path: '/file', code: 'FILE_ALREADY_IMPORTED', message }],
  )
}

export async function recordImport(
  trx: Kysely<AccountsDB>,
  orgId: string,
  kind: 'outcomes' | 'enrollments',
  d: FileDigests,
  rowCount: number,
  created: number,
  actor: string,
) {
  await trx
    .insertInto('import_file')
    .values({
      id: uuidv7(),
      org_id: orgId,
      kind,
      sha256: d.sha256,
      rows_sha256: d.rowsSha256,
      row_count: rowCount,
      created,
      actor,
    })
    .execute()
}
