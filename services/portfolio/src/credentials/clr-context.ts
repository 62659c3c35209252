/**
 * The 1EdTech CLR 2.0 JSON-LD context (https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json),
 * transcribed because no npm package ships it. It must stay byte-for-byte equivalent in meaning to
 * the published document: a "close enough" context changes the canonical RDF and so the proofs.
 * Check it against the published file when a network is at hand (docs/decisions/0400-portfolio-credentials.md).
 */
export const CLR_CONTEXT_URL = 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json'

export const clrContext = {
  '@context': {
    id: '@id',
    type: '@type',
    ClrCredential: {
      '@id': 'https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrCredential',
      '@context': {
        id: '@id',
        type: '@type',
        partial: { '@id': 'https://purl.imsglobal.org/spec/vc/clr/vocab.html#partial', '@type': 'xsd:boolean' },
      },
    },
    ClrSubject: {
      '@id': 'https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrSubject',
      '@context': {
        id: '@id',
        type: '@type',
        cred: 'https://www.w3.org/2018/credentials#',
        obi: 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#',
        achievement: { '@id': 'https://purl.imsglobal.org/spec/vc/clr/vocab.html#achievement', '@type': 'obi:Achievement', '@container': '@set' },
        association: {
          '@id': 'https://purl.imsglobal.org/spec/vc/clr/vocab.html#association',
          '@type': 'https://purl.imsglobal.org/spec/vc/clr/vocab.html#Association',
          '@container': '@set',
        },
        verifiableCredential: { '@id': 'https://purl.imsglobal.org/spec/vc/clr/vocab.html#verifiableCredential', '@type': 'cred:verifiableCredential', '@container': '@set' },
        identifier: { '@id': 'https://purl.imsglobal.org/spec/vc/clr/vocab.html#identifier-1', '@type': 'obi:Identifier', '@container': '@set' },
      },
    },
    Association: {
      '@id': 'https://purl.imsglobal.org/spec/vc/clr/vocab.html#Association',
      '@context': {
        associationType: { '@id': 'https://purl.imsglobal.org/spec/vc/clr/vocab.html#AssociationType' },
        sourceId: { '@id': 'https://purl.imsglobal.org/spec/vc/clr/vocab.html#sourceId', '@type': 'xsd:anyURI' },
        targetId: { '@id': 'https://purl.imsglobal.org/spec/vc/clr/vocab.html#targetId', '@type': 'xsd:anyURI' },
      },
    },
  },
} as const
