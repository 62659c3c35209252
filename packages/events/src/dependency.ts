/**
 * A service an event's effect needs could not answer (accounts down, a timeout): not the event's
 * fault. The consumer keeps such an event and tries it again later instead of parking it on the
 * dead-letter topic, as it does while its own database is down.
 */
export class DependencyUnavailable extends Error {
  override name = 'DependencyUnavailable'
}

export function isDependencyUnavailable(err: unknown): boolean {
  return err instanceof Error && err.name === 'DependencyUnavailable'
}
