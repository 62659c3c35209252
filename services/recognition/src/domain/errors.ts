import { defineErrors } from '@creditbank/contracts'

export const recognitionErrors = defineErrors({
  RECOGNITION_RULE_INVALID: ['invalid', 'The rule contradicts itself'],
  RECOGNITION_RULE_NOT_FOUND: ['not_found', 'No such rule or version'],
  RECOGNITION_RULE_CODE_TAKEN: [
    'conflict',
    'A rule with this code exists; PUT /v1/rules/{code} makes a new version',
  ],
  RECOGNITION_RULE_NOT_YOURS: [
    'forbidden',
    'Only the rule owner organization, its target, or an admin may change this rule',
  ],
  RECOGNITION_ALLIANCE_UNKNOWN: ['invalid', 'No such alliance'],
  RECOGNITION_ALLIANCE_CODE_TAKEN: ['conflict', 'Another alliance has this code'],
  RECOGNITION_APPLICATION_NOT_FOUND: ['not_found', 'No such application'],
  RECOGNITION_ENTRY_NOT_YOURS: ['invalid', 'These entries are not usable outcomes of yours'],
  RECOGNITION_EVIDENCE_NOT_YOURS: ['invalid', 'These evidence files are not files of yours'],
  RECOGNITION_NOT_ENROLLED: [
    'invalid',
    'You are not enrolled in this program at this organization',
  ],
  RECOGNITION_NO_RULE: [
    'invalid',
    'No rule of the target recognizes these outcomes; name the course you ask for in award',
  ],
  RECOGNITION_LIMIT_REACHED: ['invalid', 'A limit of the rule refuses this application'],
  RECOGNITION_SOURCE_ALREADY_USED: [
    'conflict',
    'This source is already used for this target course',
  ],
  RECOGNITION_TRANSITION_INVALID: [
    'conflict',
    'The application is not in a state that allows this',
  ],
  RECOGNITION_OUT_OF_SCOPE: ['forbidden', "The current review step is not in your center's scope"],
  RECOGNITION_OWN_APPLICATION: ['forbidden', 'Nobody decides on their own application'],
  RECOGNITION_NOT_LEARNER: ['forbidden', 'Only the learner may do this'],
  RECOGNITION_ENTRIES_AMBIGUOUS: ['invalid', 'Give sourceEntryIds or entryIds, not both'],
  RECOGNITION_LEARNER_REQUIRED: [
    'invalid',
    'Name the learner (learnerId) or give hypothetical outcomes',
  ],
  RECOGNITION_ORG_NOT_YOURS: ['forbidden', 'A registrar simulates only for their own organization'],
})
