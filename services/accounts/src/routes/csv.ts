import { parse } from 'csv-parse/sync'
import type { FastifyInstance } from 'fastify'
import { accountsErrors } from '../domain/errors.js'
import { MAX_BATCH } from '../domain/outcomes.js'

const GRADE_COLUMNS = new Set(['gradeScore', 'gradeScale'])

/** One CSV row as the JSON item it stands for: empty cells are absent fields, grade is two columns. */
export function rowToItem(row: Record<string, string>): Record<string, unknown> {
  const item: Record<string, unknown> = {}
  for (const [column, value] of Object.entries(row)) {
    if (value === '' || GRADE_COLUMNS.has(column)) continue
    item[column] = value
  }
  if (row.gradeScore || row.gradeScale)
    item.grade = { score: row.gradeScore ?? '', scale: row.gradeScale ?? '' }
  return item
}

/**
 * `text/csv` bodies for the batch route: what schools export today, the same columns as the JSON
 * fields. The parsed body is `{ items }`, so the batch is validated as JSON would be.
 */
export function installCsvParser(app: FastifyInstance) {
  app.addContentTypeParser(
    ['text/csv', 'application/csv'],
    { parseAs: 'string' },
    (_request, body, done) => {
      try {
        const rows = parse(body as string, {
          columns: true,
          bom: true,
          skip_empty_lines: true,
          trim: true,
          max_record_size: 10_000,
          // One more than allowed, so an oversized batch is refused by the schema with its size.
          to: MAX_BATCH + 1,
        }) as Record<string, string>[]
        done(null, { items: rows.map(rowToItem) })
      } catch (err) {
        const e = err as { message?: string; lines?: number }
        done(
          accountsErrors.ACCOUNTS_CSV_MALFORMED(
            e.message ? String(e.message).slice(0, 300) : undefined,
          ),
          undefined,
        )
      }
    },
  )
}
