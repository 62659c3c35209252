import { defineErrors } from '@creditbank/contracts'

export const recognitionErrors = defineErrors({
  RECOGNITION_RULE_INVALID: ['invalid', 'The rule contradicts itself', '规则内容自相矛盾'],
  RECOGNITION_RULE_NOT_FOUND: ['not_found', 'No such rule or version', '没有这条规则或这个版本'],
  RECOGNITION_RULE_CODE_TAKEN: [
    'conflict',
    'A rule with this code exists; PUT /v1/rules/{code} makes a new version',
    '已有规则使用这个代码，请修改原规则以生成新版本',
  ],
  RECOGNITION_RULE_NOT_YOURS: [
    'forbidden',
    'Only the rule owner organization, its target, or an admin may change this rule',
    '只有规则所属机构、目标机构或平台管理员可以修改这条规则',
  ],
  RECOGNITION_ALLIANCE_UNKNOWN: ['invalid', 'No such alliance', '没有这个联盟'],
  RECOGNITION_ALLIANCE_CODE_TAKEN: [
    'conflict',
    'Another alliance has this code',
    '已有联盟使用这个代码',
  ],
  RECOGNITION_APPLICATION_NOT_FOUND: ['not_found', 'No such application', '没有这个申请'],
  RECOGNITION_ENTRY_NOT_YOURS: [
    'invalid',
    'These entries are not usable outcomes of yours',
    '所选记录不是本人可用的学习成果',
  ],
  RECOGNITION_EVIDENCE_NOT_YOURS: [
    'invalid',
    'These evidence files are not files of yours',
    '所选佐证材料不是本人的文件',
  ],
  RECOGNITION_NOT_ENROLLED: [
    'invalid',
    'You are not enrolled in this program at this organization',
    '你未在该机构的这个专业注册学籍',
  ],
  RECOGNITION_NO_RULE: [
    'invalid',
    'No rule of the target recognizes these outcomes; name the course you ask for in award',
    '目标机构没有认定这些成果的规则；请注明申请替代的课程',
  ],
  RECOGNITION_LIMIT_REACHED: [
    'invalid',
    'A limit of the rule refuses this application',
    '已达到规则规定的认定上限',
  ],
  RECOGNITION_SOURCE_ALREADY_USED: [
    'conflict',
    'This source is already used for this target course',
    '这项成果已用于认定这门课程',
  ],
  RECOGNITION_TRANSITION_INVALID: [
    'conflict',
    'The application is not in a state that allows this',
    '申请当前的状态不允许这样操作',
  ],
  RECOGNITION_OUT_OF_SCOPE: [
    'forbidden',
    "The current review step is not in your center's scope",
    '当前审核环节不属于你所在中心',
  ],
  RECOGNITION_OWN_APPLICATION: [
    'forbidden',
    'Nobody decides on their own application',
    '不能审核自己的申请',
  ],
  RECOGNITION_ALREADY_DECIDED: [
    'forbidden',
    'You decided a step of this application already; another person decides this one',
    '你已审核过这份申请的一个环节，本环节须由其他人审核',
  ],
  RECOGNITION_NOT_REVIEWER: [
    'forbidden',
    'Only reviewers decide applications',
    '只有审核人员可以审核申请',
  ],
  RECOGNITION_EVIDENCE_NOT_FOUND: [
    'not_found',
    'No such evidence file in an application you review',
    '你审核的申请中没有这份证明材料',
  ],
  RECOGNITION_NOT_LEARNER: [
    'forbidden',
    'Only the learner may do this',
    '只有学习者本人可以这样做',
  ],
  RECOGNITION_ENTRIES_AMBIGUOUS: [
    'invalid',
    'Give sourceEntryIds or entryIds, not both',
    '成果记录只能用一种方式指定',
  ],
  RECOGNITION_LEARNER_REQUIRED: [
    'invalid',
    'Name the learner (learnerId) or give hypothetical outcomes',
    '请指定学习者，或填写假设的学习成果',
  ],
  RECOGNITION_ORG_NOT_YOURS: [
    'forbidden',
    'A registrar simulates only for their own organization',
    '教务管理员只能为本机构模拟',
  ],
  RECOGNITION_PLAN_INVALID: [
    'invalid',
    'The program plan contradicts itself',
    '培养方案内容自相矛盾',
  ],
  RECOGNITION_PLAN_NOT_FOUND: [
    'not_found',
    'This school has published no such program plan or version',
    '该学校没有发布这个培养方案或版本',
  ],
  RECOGNITION_TUITION_INVALID: [
    'invalid',
    'The tuition schedule contradicts itself',
    '学分收费标准内容自相矛盾',
  ],
  RECOGNITION_TUITION_NOT_FOUND: [
    'not_found',
    'This school has published no tuition for this program and year, or no such version',
    '该学校没有发布这个专业和学年的学分收费标准，或没有这个版本',
  ],
  RECOGNITION_NOT_YOUR_SCHOOL: [
    'forbidden',
    "Only the school's own registrars publish its program plans and tuition schedules",
    '只有本校的教务管理员可以发布本校的培养方案和收费标准',
  ],
  RECOGNITION_ENROLLMENT_NOT_FOUND: [
    'not_found',
    'No such learner enrolled in this program where you may see it',
    '没有在这个专业注册学籍的这位学习者，或你无权查看',
  ],
  RECOGNITION_PROGRAM_REQUIRED: [
    'invalid',
    'The learner is enrolled in several programs: name one (programCode)',
    '该学习者注册了多个专业，请指定专业',
  ],
})
