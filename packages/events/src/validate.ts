import { eventPayloads, retiredEventFields } from '@creditbank/contracts'
import { Compile } from 'typebox/compile'

type Validator = ReturnType<typeof Compile>
const validators = new Map<string, Validator>()

export class InvalidEventError extends Error {
  constructor(
    readonly eventType: string,
    readonly problems: string[],
  ) {
    super(`invalid ${eventType} event: ${problems.join('; ')}`)
    this.name = 'InvalidEventError'
  }
}

function validatorFor(type: string): Validator {
  let v = validators.get(type)
  if (!v) {
    const schema = (eventPayloads as Record<string, unknown>)[type]
    if (!schema) throw new InvalidEventError(type, ['unknown event type'])
    v = Compile(schema as Parameters<typeof Compile>[0])
    validators.set(type, v)
  }
  return v
}

/** Checks a payload against its contract; used on publish and again on consume. */
export function validatePayload(type: string, data: unknown): void {
  const v = validatorFor(type)
  if (v.Check(data)) return
  const problems = [...v.Errors(data)]
    .slice(0, 10)
    .map((e) => `${e.instancePath || '/'} ${e.message}`)
  throw new InvalidEventError(type, problems)
}

/** Checks a payload a producer is about to write: its contract, and none of its retired fields. */
export function validateNewPayload(type: string, data: unknown): void {
  validatePayload(type, data)
  const retired = (retiredEventFields as Record<string, readonly string[] | undefined>)[type]
  const present = retired?.filter((f) => Object.hasOwn(data as object, f)) ?? []
  if (present.length)
    throw new InvalidEventError(
      type,
      present.map((f) => `/${f} is retired: read only in old events, never written`),
    )
}
