/** The services behind the gateway, and which one owns a request path (API.md, common rules). */
export const upstreamNames = [
  'identity',
  'accounts',
  'certificates',
  'recognition',
  'portfolio',
] as const
export type UpstreamName = (typeof upstreamNames)[number]

/**
 * First match wins. Portfolio's and recognition's learner sub-resources come before accounts'
 * `/v1/learners` prefix, and recognition's tuition schedule before identity's `/v1/organizations`:
 * they are the only paths where two services share a first segment.
 */
const table: [RegExp, UpstreamName][] = [
  [
    /^\/v1\/learners\/[^/]+\/(timeline|credentials|exports?|evidence|notifications|record\.pdf)(\/|$)/,
    'portfolio',
  ],
  // Program progress and credit tuition are recognition's (decision 0810), under accounts' and
  // identity's first segments.
  [/^\/v1\/learners\/[^/]+\/(progress|tuition)$/, 'recognition'],
  [/^\/v1\/organizations\/[^/]+\/tuition-schedule$/, 'recognition'],
  [/^\/v1\/(auth|me|organizations|users|clients|keys|audit)(\/|$)/, 'identity'],
  [/^\/\.well-known\//, 'identity'],
  [/^\/v1\/(learners|enrollments|outcomes|entries|access-log|erasures)(\/|$)/, 'accounts'],
  [/^\/v1\/imports\/templates\/(outcomes|enrollments)$/, 'accounts'],
  // The policy's training and 1+X figures are portfolio's projection (decision 0800); the
  // certificate registry's own counts stay with certificates.
  [/^\/v1\/oversight\/(training|1x|files)(\/|$)/, 'portfolio'],
  [/^\/v1\/(certificate-types|certificates|oversight)(\/|$)/, 'certificates'],
  [/^\/v1\/(rules|alliances|applications|simulations|programs)(\/|$)/, 'recognition'],
  [/^\/v1\/(shares|shared|evidence|records|admin\/timeline)(\/|$)/, 'portfolio'],
  [/^\/(credentials|presentations|status-lists)(\/|$)/, 'portfolio'],
]

/** The service that serves a path (query string ignored), or null when none does. */
export function ownerOf(url: string): UpstreamName | null {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  for (const [pattern, service] of table) if (pattern.test(path)) return service
  return null
}

/** The default addresses of the embedded run and of docker-compose's service names. */
export const defaultPorts: Record<UpstreamName, number> = {
  identity: 3001,
  accounts: 3002,
  certificates: 3003,
  recognition: 3004,
  portfolio: 3005,
}
