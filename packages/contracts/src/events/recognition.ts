import Type from 'typebox'
import { Credits, Id } from '../primitives.js'

export const recognitionEvents = {
  /** Approval: accounts posts a `recognized` entry at the target, idempotent on the application id. */
  'recognition.application.approved': Type.Object(
    {
      applicationId: Id,
      learnerId: Id,
      targetOrgId: Id,
      programCode: Type.String(),
      courseCode: Type.String(),
      courseName: Type.String(),
      courseType: Type.String(),
      credits: Credits,
      sourceEntryIds: Type.Array(Id, { minItems: 1 }),
      rule: Type.Union([Type.Object({ code: Type.String(), version: Type.Integer() }, { additionalProperties: false }), Type.Null()]),
    },
    { additionalProperties: false },
  ),
}
