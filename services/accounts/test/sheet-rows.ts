import { readSheet } from '@creditbank/spreadsheet'

/**
 * A downloaded sheet's header and rows as text, read back by the importers' own reader (the
 * headers to look for are the ones the test expects).
 */
export async function readXlsxRows(bytes: Buffer, headers: string[]): Promise<string[][]> {
  const read = await readSheet(bytes, {
    kind: 'test',
    title: 'test',
    maxRows: 20_000,
    columns: headers.map((h) => ({ key: h, headers: [h], en: h, type: 'text', maxLength: 1_000 })),
  })
  const found = read.columns.map((c) => c.key)
  return [found, ...read.rows.map((r) => found.map((h) => r.values[h] ?? ''))]
}
