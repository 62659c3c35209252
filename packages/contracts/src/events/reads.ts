import Type from 'typebox'
import { Id, Timestamp } from '../primitives.js'

/**
 * A read of one learner's personal data by someone other than the learner (issue 17, "who looked";
 * decision 0725). Certificates and recognition publish it; accounts keeps it in the learner's
 * one append-only log beside its own reads, with the event's id as the row's id (a uuidv7, so
 * the log keeps its order), so a replay adds nothing. No name or 身份证号 travels: only who read, whose data, and why.
 */
export const LearnerRead = Type.Object(
  {
    learnerId: Id,
    /** `public` is an unauthenticated caller (certificate verification). */
    actorKind: Type.Enum(['user', 'client', 'public']),
    /** The user or client id; `public` for an unauthenticated caller. */
    actorId: Type.String({ minLength: 1, maxLength: 200 }),
    role: Type.String({ maxLength: 40 }),
    orgId: Type.Union([Id, Type.Null()]),
    /** The route as the service declares it, e.g. `GET /v1/applications/:id`. */
    route: Type.String({ maxLength: 200 }),
    /** What was read, in a word the pages translate (certificate, certificates, application, evidence, …). */
    what: Type.String({ maxLength: 40 }),
    ip: Type.String({ maxLength: 100 }),
    at: Timestamp,
  },
  { additionalProperties: false },
)
