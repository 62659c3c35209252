import { randomUUID } from 'node:crypto'
import { definition as accounts } from '@creditbank/accounts/definition'
import { definition as certificates } from '@creditbank/certificates/definition'
import { topicOf } from '@creditbank/contracts'
import { createEvent } from '@creditbank/events'
import { definition as recognition } from '@creditbank/recognition/definition'
import {
  accountsPersonal,
  httpPostJson,
  type LearnerPersonalSource,
  portfolioEvidenceNames,
  type ServiceToken,
} from '@creditbank/service-kit'
import { testPlatform, testService } from '@creditbank/testing'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import portfolioApp, { SCHEMA } from '../src/app.js'
import { migrations } from '../src/db/migrations.js'

/** An answer's JSON; throws with the answer on a status of 300 or more. */
export async function call(
  app: FastifyInstance,
  method: 'GET' | 'POST',
  url: string,
  headers: Record<string, string>,
  payload?: object,
) {
  const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) })
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}

let seq = 7
/** A person with a valid 身份证号 (Zhengzhou, born 1999), a new one each call. */
export function person(name: string) {
  seq += 1
  const first17 = `4101051999${String(1 + (seq % 12)).padStart(2, '0')}${10 + (seq % 18)}${100 + seq}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i]!, 0)
  return { nationalId: `${first17}${'10X98765432'[sum % 11]}`, name }
}

/**
 * Accounts, certificates and recognition listening on ports of their own, and portfolio asking
 * them over HTTP (and recognition asking portfolio for evidence files' names), on one test platform (the export and erasure tests, and the erasure
 * measurement); a source and a target school and an evaluation organization registered through
 * identity's event. `identityUrl`: where portfolio asks for the sign-in account (a stand-in).
 */
export async function fourServices(o: { logger?: Logger; identityUrl?: string } = {}) {
  const platform = await testPlatform({
    [accounts.schema]: accounts.migrations,
    [certificates.schema]: certificates.migrations,
    [recognition.schema]: recognition.migrations,
    [SCHEMA]: migrations,
  })
  const opened: FastifyInstance[] = []
  async function listening<O>(name: string, app: Parameters<typeof testService<O>>[1], opts: O) {
    const service = await testService(name, app, platform, opts, o.logger)
    opened.push(service)
    await service.listen({ host: '127.0.0.1', port: 0 })
    const address = service.server.address()
    if (!address || typeof address === 'string') throw new Error('not listening')
    return { app: service, url: `http://127.0.0.1:${address.port}` }
  }
  const acc = await listening('accounts', accounts.app, { piiKeyHex: 'ab'.repeat(32) })
  // recognition and portfolio ask the real accounts for names over HTTP (decision 0730), with a
  // token as identity gives its built-in service clients.
  const token = (service: string): ServiceToken => ({
    get: async () =>
      platform.keys.token({ typ: 'client', sub: `service:${service}`, roles: ['service'] }),
    forget() {},
  })
  const names = (service: string): LearnerPersonalSource =>
    accountsPersonal({ post: httpPostJson(acc.url), token: token(service) })
  // recognition asks the real portfolio for evidence files' names over HTTP; portfolio starts
  // after it (it asks recognition for grants), and until it listens the ask fails as a network
  // error would (the consumer's batch waits).
  let portfolioUrl: string | undefined
  const fileNames = portfolioEvidenceNames({
    post: async (path, body, headers) => {
      if (!portfolioUrl) throw new Error('portfolio is not listening yet')
      return httpPostJson(portfolioUrl)(path, body, headers)
    },
    token: token('recognition'),
  })
  const cer = await listening('certificates', certificates.app, {
    secretKeyHex: 'c4'.repeat(32),
    accountsUrl: acc.url,
  })
  const rec = await listening('recognition', recognition.app, {
    secretKeyHex: 'c6'.repeat(32),
    learnerPersonal: names('recognition'),
    evidenceNames: fileNames,
  })
  const portfolio = await testService(
    'portfolio',
    portfolioApp,
    platform,
    {
      secretKeyHex: 'c5'.repeat(32),
      publicBaseUrl: 'https://creditbank.test',
      ...(o.identityUrl ? { identityUrl: o.identityUrl } : {}),
      accountsUrl: acc.url,
      certificatesUrl: cer.url,
      recognitionUrl: rec.url,
      learnerPersonal: names('portfolio'),
    },
    o.logger,
  )
  opened.push(portfolio)
  await portfolio.listen({ host: '127.0.0.1', port: 0 })
  const address = portfolio.server.address()
  if (!address || typeof address === 'string') throw new Error('not listening')
  portfolioUrl = `http://127.0.0.1:${address.port}`

  // Organizations come from identity's events.
  const org = (kind: string, name: string) => ({
    organizationId: randomUUID(),
    code: `O-${randomUUID().slice(0, 8)}`,
    name,
    kind,
    regionCode: '410100',
    schoolLevel: kind === 'school' ? 'higher_vocational' : null,
  })
  const source = org('school', '郑州铁路职业技术学院')
  const target = org('school', '河南职业技术学院')
  const evaluator = org('evaluation_org', '工业和信息化部教育与考试中心')
  await platform.transport.publish(
    [source, target, evaluator].map((data) => {
      const e = createEvent('/creditbank/identity', {
        type: 'identity.organization.registered',
        data,
      })
      return { topic: topicOf(e.type), key: data.organizationId, value: JSON.stringify(e) }
    }),
  )
  const keys = platform.keys
  return {
    platform,
    keys,
    acc,
    cer,
    rec,
    portfolio,
    source,
    target,
    evaluator,
    admin: keys.auth({ roles: ['admin'] }),
    registrar: (org: { organizationId: string }) =>
      keys.auth({ roles: ['registrar'], org: org.organizationId }),
    issuer: keys.auth({ roles: ['issuer'], org: evaluator.organizationId }),
    async close() {
      for (const app of opened.reverse()) await app.close()
      await platform.close()
    },
  }
}
