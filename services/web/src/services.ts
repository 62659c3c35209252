import type { ServiceDefinition } from '@creditbank/service-kit'
import type { Logger } from 'pino'

/**
 * Every service the one-process run starts, in start order (identity first: the others read its
 * keys). Each is imported on its own so that one service that does not load yet (it is still being
 * built) is reported by name and the others start anyway.
 */
const loaders: [string, () => Promise<{ definition: ServiceDefinition<any> }>][] = [
  ['identity', () => import('@creditbank/identity/definition')],
  ['accounts', () => import('@creditbank/accounts/definition')],
  ['certificates', () => import('@creditbank/certificates/definition')],
  ['recognition', () => import('@creditbank/recognition/definition')],
  ['portfolio', () => import('@creditbank/portfolio/definition')],
]

export const serviceNames = loaders.map(([name]) => name)

export interface LoadedServices {
  definitions: ServiceDefinition<unknown>[]
  failed: { service: string; error: string }[]
}

export async function loadServices(
  logger: Logger,
  only?: readonly string[],
): Promise<LoadedServices> {
  const definitions: ServiceDefinition<unknown>[] = []
  const failed: LoadedServices['failed'] = []
  for (const [service, load] of loaders) {
    if (only && !only.includes(service)) continue
    try {
      definitions.push((await load()).definition as ServiceDefinition<unknown>)
    } catch (err) {
      logger.error({ err, service }, 'service did not load; starting without it')
      failed.push({ service, error: err instanceof Error ? err.message : String(err) })
    }
  }
  return { definitions, failed }
}
