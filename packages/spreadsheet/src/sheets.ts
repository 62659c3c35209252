import type { Column, SheetSpec } from './spec.js'

/**
 * The sheets people import, as schools and evaluation organizations keep them (DOMAIN.md, "The
 * importers' reality"): Chinese headers first, the API's field names as English headers.
 */

/** At most this many data rows a file (issue 15); a larger file is refused with its count. */
export const MAX_ROWS = 10_000

const learnerCategories = {
  student: ['学生', '在校生', 'student'],
  unemployed_graduate: ['未就业毕业生', '未就业高校毕业生', 'unemployed_graduate'],
  veteran: ['退役军人', 'veteran'],
  migrant_worker: ['农民工', 'migrant_worker'],
  farmer: ['农民', '高素质农民', 'farmer'],
  disabled: ['残疾人', 'disabled'],
  laid_off_worker: ['下岗职工', '下岗失业人员', 'laid_off_worker'],
  employee: ['企业职工', '在职职工', '职工', 'employee'],
  other: ['其他', 'other'],
} as const

/** How a row names its learner: columns shared by every importer. */
const learnerColumns: Column[] = [
  {
    key: 'studentNo',
    headers: ['学号', '学籍号', 'studentNo'],
    en: 'Student no.',
    type: 'text',
    maxLength: 40,
    note: '本校学号；已在本校注册过的学习者可只填学号',
    example: '2024010101',
  },
  {
    key: 'nationalId',
    headers: ['身份证号', '身份证号码', '公民身份号码', '证件号码', 'nationalId'],
    en: 'National id',
    type: 'nationalId',
    note: '18 位居民身份证号；请将本列设为“文本”格式，以免末尾数字丢失',
    example: '410105200501011234',
  },
  {
    key: 'name',
    headers: ['姓名', 'name'],
    en: 'Name',
    type: 'text',
    maxLength: 100,
    note: '与身份证一致；与身份证号一起用于查找或开立学习账户',
    example: '张三',
  },
  {
    key: 'learnerId',
    headers: ['learnerId'],
    en: 'Learner id',
    type: 'text',
    maxLength: 36,
    hidden: true,
  },
]

const learnerCategory: Column = {
  key: 'learnerCategory',
  headers: ['人员类别', 'learnerCategory'],
  en: 'Learner category',
  type: 'choice',
  choices: learnerCategories,
  note: '新开账户时使用：学生、未就业毕业生、退役军人、农民工、农民、残疾人、下岗职工、企业职工、其他',
  example: '学生',
}

const oneOf = [['nationalId', 'name'], ['studentNo'], ['learnerId']] as const

export const outcomesSheet: SheetSpec = {
  kind: 'outcomes',
  title: '学习成果',
  maxRows: MAX_ROWS,
  oneOf,
  columns: [
    ...learnerColumns,
    learnerCategory,
    {
      key: 'kind',
      headers: ['成果类型', '类型', 'kind'],
      en: 'Kind',
      type: 'choice',
      choices: {
        course: ['课程', 'course'],
        training: ['培训', 'training'],
        competition: ['竞赛', '比赛', 'competition'],
        work: ['工作实践', '实践', '工作', 'work'],
      },
      default: 'course',
      note: '课程、培训、竞赛或工作实践；不填为课程',
      example: '课程',
    },
    {
      key: 'title',
      headers: ['课程名称', '成果名称', '培训项目', '名称', 'title'],
      en: 'Title',
      type: 'text',
      maxLength: 200,
      required: true,
      note: '课程、培训项目、竞赛或实践的名称',
      example: '网页设计',
    },
    {
      key: 'code',
      headers: ['课程代码', '课程编号', 'code'],
      en: 'Code',
      type: 'text',
      maxLength: 40,
      example: 'WEB201',
    },
    {
      key: 'credits',
      headers: ['学分', 'credits'],
      en: 'Credits',
      type: 'decimal',
      note: '最多两位小数；课程须填学分或学时',
      example: '4',
    },
    {
      key: 'hours',
      headers: ['学时', 'hours'],
      en: 'Hours',
      type: 'decimal',
      note: '最多一位小数；培训和工作实践必填',
      example: '64',
    },
    {
      key: 'gradeScore',
      headers: ['成绩', '分数', 'gradeScore', 'score'],
      en: 'Grade',
      type: 'text',
      maxLength: 20,
      note: '分数（如 85）或等级（优秀、良好、中等、及格、不及格，合格、不合格）；课程必填',
      example: '85',
    },
    {
      key: 'gradeScale',
      headers: ['满分', '成绩满分', 'gradeScale'],
      en: 'Scale',
      type: 'text',
      maxLength: 20,
      note: '分数的满分，不填为 100',
      example: '100',
    },
    {
      key: 'level',
      headers: ['获奖等级', '等级', 'level'],
      en: 'Level',
      type: 'text',
      maxLength: 40,
      note: '竞赛必填，如 省级一等奖',
    },
    {
      key: 'category',
      headers: ['培训类别', 'category'],
      en: 'Training category',
      type: 'text',
      maxLength: 40,
    },
    {
      key: 'occurredOn',
      headers: ['日期', '获得日期', '完成日期', '考试日期', '成绩日期', 'occurredOn'],
      en: 'Date',
      type: 'date',
      required: true,
      note: '如 2024-06-30 或 202406（按当月 1 日记）',
      example: '2024-06-30',
    },
    {
      key: 'externalRef',
      headers: ['外部编号', '记录编号', 'externalRef'],
      en: 'External ref',
      type: 'text',
      maxLength: 100,
      note: '贵校系统中这条记录的编号；填写后重复导入不会重复记账',
      example: 'CJ-2024-000123',
    },
  ],
}

export const enrollmentsSheet: SheetSpec = {
  kind: 'enrollments',
  title: '学籍注册',
  maxRows: MAX_ROWS,
  oneOf,
  columns: [
    ...learnerColumns,
    {
      key: 'birthDate',
      headers: ['出生日期', 'birthDate'],
      en: 'Birth date',
      type: 'date',
      note: '可不填；填写时须与身份证号一致',
    },
    learnerCategory,
    {
      key: 'programCode',
      headers: ['专业代码', '专业编号', 'programCode'],
      en: 'Program code',
      type: 'text',
      maxLength: 40,
      required: true,
      example: '510201',
    },
    {
      key: 'programName',
      headers: ['专业名称', '专业', 'programName'],
      en: 'Program',
      type: 'text',
      maxLength: 200,
      required: true,
      example: '计算机应用技术',
    },
    {
      key: 'startedOn',
      headers: ['入学日期', '入学时间', 'startedOn'],
      en: 'Start date',
      type: 'date',
      required: true,
      example: '2024-09-01',
    },
  ],
}

/** Agreed with the certificates importer (issuer-admin): the number is given by the service. */
export const certificatesSheet: SheetSpec = {
  kind: 'certificates',
  title: '证书发放',
  maxRows: MAX_ROWS,
  oneOf: [['nationalId', 'name']],
  columns: [
    {
      key: 'typeCode',
      headers: ['证书类型代码', '证书代码', 'typeCode'],
      en: 'Certificate type code',
      type: 'text',
      maxLength: 40,
      required: true,
      note: '1+X 证书目录中的代码',
      example: 'WEB-FE',
    },
    {
      key: 'level',
      headers: ['等级', '证书等级', 'level'],
      en: 'Level',
      type: 'choice',
      choices: {
        junior: ['初级', 'junior'],
        intermediate: ['中级', 'intermediate'],
        senior: ['高级', 'senior'],
      },
      required: true,
      note: '初级、中级或高级',
      example: '中级',
    },
    ...learnerColumns.filter((c) => c.key === 'nationalId' || c.key === 'name'),
    {
      key: 'score',
      headers: ['成绩', '分数', 'score'],
      en: 'Score',
      type: 'decimal',
      example: '86',
    },
    {
      key: 'issuedOn',
      headers: ['发证日期', 'issuedOn'],
      en: 'Issued on',
      type: 'date',
      required: true,
      example: '2024-12-20',
    },
  ],
}

export const sheets = {
  outcomes: outcomesSheet,
  enrollments: enrollmentsSheet,
  certificates: certificatesSheet,
} as const

export type SheetKind = keyof typeof sheets
