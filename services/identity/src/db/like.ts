/** A LIKE pattern in which `%`, `_` and `\` in the user's text match themselves. */
export function likeEscaped(text: string) {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}
