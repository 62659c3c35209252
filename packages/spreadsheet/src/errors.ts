import { type FileCode, type Lang, type Params, sheetMessage } from './messages.js'

/** The file as a whole cannot be imported (unreadable, no header, too many rows): nothing is read. */
export class SheetError extends Error {
  constructor(
    readonly code: FileCode,
    readonly params: Params = {},
  ) {
    super(sheetMessage(code, params, 'en'))
    this.name = 'SheetError'
  }

  /** The message in a language. */
  say(lang: Lang) {
    return sheetMessage(this.code, this.params, lang)
  }
}
