/**
 * A PDF is accepted only when pdf-lib parses all of it (every object, the catalog, the page tree),
 * it is not encrypted (nobody could read it back without the password, and it cannot be checked),
 * and nothing in it runs: no JavaScript anywhere (document, names tree, open action, annotation or
 * field actions), no launch action, no XFA form (which carries its own scripts).
 */
import { PDFArray, PDFDict, PDFDocument, PDFName, type PDFObject, PDFStream } from 'pdf-lib'
import { portfolioErrors } from './errors.js'

/** Keys whose mere presence means a script: an action's /JS, the names tree's /JavaScript, XFA. */
const scriptKeys = ['JS', 'JavaScript', 'XFA'].map((k) => PDFName.of(k))
/** Action types that run something: JavaScript, and Launch (starts a program or opens a file). */
const runningActions = new Set(['/JavaScript', '/Launch'])
/** Direct objects nest; the walk stops at this depth (the parser has already bounded the file). */
const MAX_DEPTH = 64

function runsSomething(obj: PDFObject, depth: number): boolean {
  if (depth > MAX_DEPTH) return true
  const dict = obj instanceof PDFStream ? obj.dict : obj
  if (dict instanceof PDFDict) {
    if (scriptKeys.some((k) => dict.has(k))) return true
    const action = dict.get(PDFName.of('S'))
    if (action instanceof PDFName && runningActions.has(action.asString())) return true
    for (const value of dict.values()) if (runsSomething(value, depth + 1)) return true
  } else if (obj instanceof PDFArray) {
    for (const value of obj.asArray()) if (runsSomething(value, depth + 1)) return true
  }
  return false
}

async function parse(bytes: Buffer): Promise<PDFDocument> {
  try {
    const doc = await PDFDocument.load(bytes, { throwOnInvalidObject: true, updateMetadata: false })
    // Walks the page tree: a file with no catalog or a broken tree fails here.
    if (doc.getPages().length < 1) throw new Error('no pages')
    return doc
  } catch (err) {
    // pdf-lib is compiled to ES5, where `instanceof EncryptedPDFError` is false for its own
    // error: its message (pinned version, covered by the tests) is what tells.
    if (err instanceof Error && /is encrypted/.test(err.message))
      throw portfolioErrors.PORTFOLIO_EVIDENCE_PDF_ENCRYPTED()
    throw portfolioErrors.PORTFOLIO_EVIDENCE_PDF_INVALID()
  }
}

/** Throws a stable error unless the PDF parses, is not encrypted and runs nothing. */
export async function checkPdf(bytes: Buffer): Promise<void> {
  const doc = await parse(bytes)
  // Every indirect object, those packed in object streams included (the parser unpacks them).
  for (const [, obj] of doc.context.enumerateIndirectObjects())
    if (runsSomething(obj, 0)) throw portfolioErrors.PORTFOLIO_EVIDENCE_PDF_SCRIPT()
}
