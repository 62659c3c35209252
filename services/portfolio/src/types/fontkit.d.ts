/** fontkit ships no declarations; the one function used here (the parsed font goes to pdfkit as is). */
declare module 'fontkit' {
  export function create(buffer: Uint8Array, postscriptName?: string): { layout: unknown }
}
