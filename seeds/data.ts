// Demo data for the embedded run: Henan institutions with real names and GB/T 2260 region codes,
// and invented people. Every person, national id number and record here is made up (演示数据);
// the institutions are real names used as a realistic setting, not their real records.

export interface OrgSeed {
  code: string
  name: string
  kind: 'school' | 'enterprise' | 'training_body' | 'evaluation_org' | 'recognition_center'
  regionCode: string
  schoolLevel?:
    | 'secondary_vocational'
    | 'higher_vocational'
    | 'vocational_undergraduate'
    | 'technician_college'
    | 'undergraduate'
    | 'open_university'
}

export const schools: OrgSeed[] = [
  {
    code: 'HN-ZZRVC',
    name: '郑州铁路职业技术学院',
    kind: 'school',
    regionCode: '410100',
    schoolLevel: 'higher_vocational',
  },
  {
    code: 'HN-HNVC',
    name: '河南职业技术学院',
    kind: 'school',
    regionCode: '410100',
    schoolLevel: 'higher_vocational',
  },
  {
    code: 'HN-HNPI',
    name: '河南工业职业技术学院',
    kind: 'school',
    regionCode: '411300',
    schoolLevel: 'higher_vocational',
  },
  {
    code: 'HN-YRCW',
    name: '黄河水利职业技术学院',
    kind: 'school',
    regionCode: '410200',
    schoolLevel: 'higher_vocational',
  },
  {
    code: 'HN-KFU',
    name: '开封大学',
    kind: 'school',
    regionCode: '410200',
    schoolLevel: 'higher_vocational',
  },
  {
    code: 'HN-LYVTC',
    name: '洛阳职业技术学院',
    kind: 'school',
    regionCode: '410300',
    schoolLevel: 'higher_vocational',
  },
  {
    code: 'HN-XXVTC',
    name: '新乡职业技术学院',
    kind: 'school',
    regionCode: '410700',
    schoolLevel: 'higher_vocational',
  },
  {
    code: 'HN-HNIS',
    name: '河南省工业学校',
    kind: 'school',
    regionCode: '410100',
    schoolLevel: 'secondary_vocational',
  },
  {
    code: 'HN-HNTC',
    name: '河南技师学院',
    kind: 'school',
    regionCode: '410100',
    schoolLevel: 'technician_college',
  },
  {
    code: 'HN-HNKJZY',
    name: '河南科技职业大学',
    kind: 'school',
    regionCode: '411600',
    schoolLevel: 'vocational_undergraduate',
  },
  {
    code: 'HN-HAUST',
    name: '河南科技大学',
    kind: 'school',
    regionCode: '410300',
    schoolLevel: 'undergraduate',
  },
  {
    code: 'HN-XXU',
    name: '新乡学院',
    kind: 'school',
    regionCode: '410700',
    schoolLevel: 'undergraduate',
  },
  {
    code: 'HN-HOU',
    name: '河南开放大学',
    kind: 'school',
    regionCode: '410100',
    schoolLevel: 'open_university',
  },
]

export const employers: OrgSeed[] = [
  { code: 'ENT-YUTONG', name: '宇通客车股份有限公司', kind: 'enterprise', regionCode: '410100' },
  { code: 'ENT-CRTG', name: '中铁工程装备集团有限公司', kind: 'enterprise', regionCode: '410100' },
  { code: 'ENT-YTO', name: '中国一拖集团有限公司', kind: 'enterprise', regionCode: '410300' },
  { code: 'ENT-MUYUAN', name: '牧原食品股份有限公司', kind: 'enterprise', regionCode: '411300' },
  {
    code: 'TB-ZZSKILL',
    name: '郑州市职业技能公共实训中心',
    kind: 'training_body',
    regionCode: '410100',
  },
  {
    code: 'TB-NYFARM',
    name: '南阳市新型职业农民培训学校',
    kind: 'training_body',
    regionCode: '411300',
  },
]

export const centers: OrgSeed[] = [
  {
    code: 'RC-HNCB',
    name: '河南省学分银行管理中心',
    kind: 'recognition_center',
    regionCode: '410000',
  },
  {
    code: 'RC-HNCB-ZZ',
    name: '河南省学分银行郑州学习成果认证分中心',
    kind: 'recognition_center',
    regionCode: '410100',
  },
  {
    code: 'RC-HNCB-LY',
    name: '河南省学分银行洛阳学习成果认证分中心',
    kind: 'recognition_center',
    regionCode: '410300',
  },
]

/** Staff accounts printed at start; one password for all (made once per machine). */
export interface StaffSeed {
  username: string
  displayName: string
  orgCode: string
  role: 'registrar' | 'issuer' | 'reviewer' | 'admin'
  description: string
}

export const staff: StaffSeed[] = [
  {
    username: 'registrar.zzrvc',
    displayName: '赵敏（教务处）',
    orgCode: 'HN-ZZRVC',
    role: 'registrar',
    description: '郑州铁路职业技术学院 教务员',
  },
  {
    username: 'registrar.hnvc',
    displayName: '孙立伟（教务处）',
    orgCode: 'HN-HNVC',
    role: 'registrar',
    description: '河南职业技术学院 教务员',
  },
  {
    username: 'registrar.hou',
    displayName: '何静（学习中心）',
    orgCode: 'HN-HOU',
    role: 'registrar',
    description: '河南开放大学 教务员',
  },
  {
    username: 'registrar.haust',
    displayName: '吕志强（教务处）',
    orgCode: 'HN-HAUST',
    role: 'registrar',
    description: '河南科技大学 教务员',
  },
  {
    username: 'registrar.hnis',
    displayName: '韩雪（学生科）',
    orgCode: 'HN-HNIS',
    role: 'registrar',
    description: '河南省工业学校 教务员',
  },
  {
    username: 'registrar.yutong',
    displayName: '周凯（人力资源部）',
    orgCode: 'ENT-YUTONG',
    role: 'registrar',
    description: '宇通客车 培训管理员',
  },
  {
    username: 'registrar.crtg',
    displayName: '邓伟（培训中心）',
    orgCode: 'ENT-CRTG',
    role: 'registrar',
    description: '中铁工程装备集团 培训管理员',
  },
  {
    username: 'registrar.nyfarm',
    displayName: '王秀英',
    orgCode: 'TB-NYFARM',
    role: 'registrar',
    description: '南阳市新型职业农民培训学校 培训管理员',
  },
  {
    username: 'registrar.zzskill',
    displayName: '马丽（培训科）',
    orgCode: 'TB-ZZSKILL',
    role: 'registrar',
    description: '郑州市职业技能公共实训中心 培训管理员',
  },
  {
    username: 'issuer.miit',
    displayName: '郭宁',
    orgCode: 'EVAL-MIIT-CEEC',
    role: 'issuer',
    description: '工业和信息化部教育与考试中心 发证员（Web前端开发）',
  },
  {
    username: 'issuer.zhongfu',
    displayName: '冯雅',
    orgCode: 'EVAL-ZHONGFU',
    role: 'issuer',
    description: '北京中福长者文化科技 发证员（老年照护）',
  },
  {
    username: 'reviewer.zzrvc',
    displayName: '杨帆（教务处审核）',
    orgCode: 'HN-ZZRVC',
    role: 'reviewer',
    description: '郑州铁路职业技术学院 学分认定审核员',
  },
  {
    // Separation of duties (decision 0541): the department's step is another person's.
    username: 'reviewer.hnvc.dept',
    displayName: '陈静（系部审核）',
    orgCode: 'HN-HNVC',
    role: 'reviewer',
    description: '河南职业技术学院 信息工程系 学分认定审核员',
  },
  {
    username: 'reviewer.hnvc',
    displayName: '朱红（教务处审核）',
    orgCode: 'HN-HNVC',
    role: 'reviewer',
    description: '河南职业技术学院 学分认定审核员',
  },
  {
    username: 'reviewer.miit',
    displayName: '高远',
    orgCode: 'EVAL-MIIT-CEEC',
    role: 'reviewer',
    description: '工业和信息化部教育与考试中心 审核员',
  },
  {
    username: 'reviewer.hncb',
    displayName: '曹琳',
    orgCode: 'RC-HNCB',
    role: 'reviewer',
    description: '河南省学分银行管理中心 审核员',
  },
  {
    username: 'reviewer.zz',
    displayName: '袁博',
    orgCode: 'RC-HNCB-ZZ',
    role: 'reviewer',
    description: '郑州学习成果认证分中心 审核员',
  },
  {
    username: 'orgadmin.hnvc',
    displayName: '范刚（信息中心）',
    orgCode: 'HN-HNVC',
    role: 'admin',
    description: '河南职业技术学院 机构管理员',
  },
  {
    // A city's oversight (decision 0800): the admins of a recognition center read its region's figures.
    username: 'orgadmin.zz',
    displayName: '孟晓东（综合科）',
    orgCode: 'RC-HNCB-ZZ',
    role: 'admin',
    description: '郑州学习成果认证分中心 管理员（郑州市监管统计）',
  },
]

export type Category =
  | 'student'
  | 'unemployed_graduate'
  | 'veteran'
  | 'migrant_worker'
  | 'farmer'
  | 'disabled'
  | 'laid_off_worker'
  | 'employee'
  | 'other'

export interface LearnerSeed {
  key: string
  name: string
  /** County-level region code of the id number (GB/T 2260). */
  region: string
  birth: string
  category: Category
  /** Demo learners get a sign-in and claim their account. */
  login?: string
}

export const learners: LearnerSeed[] = [
  {
    key: 'wang',
    name: '王晓明',
    region: '410102',
    birth: '2004-03-15',
    category: 'student',
    login: 'learner.wang',
  },
  {
    key: 'li',
    name: '李春花',
    region: '411323',
    birth: '1988-07-02',
    category: 'migrant_worker',
    login: 'learner.li',
  },
  {
    key: 'zhang',
    name: '张建国',
    region: '410305',
    birth: '1996-11-20',
    category: 'veteran',
    login: 'learner.zhang',
  },
  { key: 'liu', name: '刘洋', region: '410105', birth: '2004-09-08', category: 'student' },
  { key: 'chen', name: '陈思雨', region: '410204', birth: '2005-01-23', category: 'student' },
  { key: 'yang', name: '杨帅', region: '410702', birth: '2003-05-30', category: 'student' },
  { key: 'zhao', name: '赵子涵', region: '410103', birth: '2004-12-12', category: 'student' },
  {
    key: 'huang',
    name: '黄磊',
    region: '410122',
    birth: '2001-08-19',
    category: 'unemployed_graduate',
  },
  { key: 'zhou', name: '周桂兰', region: '411303', birth: '1979-04-04', category: 'farmer' },
  { key: 'wu', name: '吴海军', region: '410311', birth: '1993-02-14', category: 'veteran' },
  { key: 'xu', name: '徐丽娟', region: '410185', birth: '1982-10-27', category: 'laid_off_worker' },
  { key: 'sun', name: '孙浩然', region: '410108', birth: '1999-06-06', category: 'employee' },
  { key: 'ma', name: '马文静', region: '410104', birth: '1997-03-09', category: 'disabled' },
  { key: 'zhu', name: '朱志刚', region: '410721', birth: '1990-12-01', category: 'migrant_worker' },
  { key: 'hu', name: '胡晓燕', region: '410102', birth: '2006-02-17', category: 'student' },
  { key: 'guo', name: '郭鹏飞', region: '410183', birth: '2005-07-21', category: 'student' },
]

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

/** A made-up but well-formed GB 11643 resident id: region, birth date, sequence, check character. */
export function nationalIdOf(l: LearnerSeed, index: number): string {
  const seq = String(101 + index * 2).padStart(3, '0')
  const first17 = `${l.region}${l.birth.replaceAll('-', '')}${seq}`
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!
  return `${first17}${CHECK[sum % 11]}`
}

/** Enrollments: learner key → [school code, program code, program name, started on]. */
export const enrollments: [string, string, string, string, string][] = [
  ['wang', 'HN-HNVC', 'P-WEB', '软件技术（Web前端方向）', '2023-09-01'],
  ['liu', 'HN-HNVC', 'P-WEB', '软件技术（Web前端方向）', '2023-09-01'],
  ['chen', 'HN-HNVC', 'P-WEB', '软件技术（Web前端方向）', '2024-09-01'],
  ['yang', 'HN-ZZRVC', 'P-RAIL', '铁道机车运用与维护', '2022-09-01'],
  ['zhao', 'HN-ZZRVC', 'P-RAIL', '铁道机车运用与维护', '2023-09-01'],
  ['zhang', 'HN-ZZRVC', 'P-RAIL', '铁道机车运用与维护', '2024-09-01'],
  ['li', 'HN-HOU', 'BA-CS', '计算机科学与技术（开放教育）', '2024-03-01'],
  ['zhu', 'HN-HOU', 'BA-CS', '计算机科学与技术（开放教育）', '2024-03-01'],
  ['sun', 'HN-HOU', 'BA-CS', '计算机科学与技术（开放教育）', '2023-03-01'],
  ['hu', 'HN-HNIS', 'P-MECH', '机电技术应用', '2022-09-01'],
  ['guo', 'HN-HNIS', 'P-MECH', '机电技术应用', '2023-09-01'],
]

export interface CourseSeed {
  code: string
  title: string
  credits: string
  hours: string
}

/** Courses per school: what the registrar posts each term. */
export const courses: Record<string, CourseSeed[]> = {
  'HN-HNVC': [
    { code: 'SE1101', title: '程序设计基础（C语言）', credits: '4', hours: '64' },
    { code: 'SE1102', title: '计算机网络基础', credits: '3', hours: '48' },
    { code: 'SE1201', title: 'HTML5与CSS3网页制作', credits: '4', hours: '64' },
    { code: 'SE1202', title: 'JavaScript程序设计', credits: '4', hours: '64' },
    { code: 'SE2101', title: 'Python程序设计', credits: '3', hours: '48' },
    { code: 'SE2102', title: '数据库原理与应用（MySQL）', credits: '3', hours: '48' },
    { code: 'SE2201', title: 'Vue.js前端框架开发', credits: '4', hours: '64' },
  ],
  'HN-ZZRVC': [
    { code: 'RL1101', title: '机械制图', credits: '3', hours: '48' },
    { code: 'RL1102', title: '电工电子技术', credits: '4', hours: '64' },
    { code: 'RL1201', title: '铁道概论', credits: '2', hours: '32' },
    { code: 'RL2101', title: '电力机车构造', credits: '4', hours: '64' },
    { code: 'RL2102', title: '机车运用与规章', credits: '3', hours: '48' },
    { code: 'RL2201', title: '机车乘务作业实训', credits: '2', hours: '56' },
  ],
  'HN-HNIS': [
    { code: 'MC101', title: '电工基础', credits: '4', hours: '72' },
    { code: 'MC102', title: '机械基础', credits: '3', hours: '54' },
    { code: 'MC201', title: 'PLC编程与应用', credits: '4', hours: '72' },
  ],
  // 河南科技大学's courses under the codes the ACBS-style rules (seeds/rules/korea-acbs.json) name.
  'HN-HAUST': [
    { code: 'CS101', title: '计算机科学导论', credits: '3', hours: '48' },
    { code: 'CS102', title: '离散数学', credits: '3', hours: '48' },
    { code: 'CS103', title: '数据结构', credits: '3', hours: '48' },
    { code: 'CS104', title: '计算机组成原理', credits: '3', hours: '48' },
    { code: 'CS105', title: '操作系统', credits: '3', hours: '48' },
    { code: 'CS106', title: '计算机网络', credits: '3', hours: '48' },
  ],
}

/** Which learners took which school's courses, and in which terms (first day of the term). */
export const coursework: [string, string, string[]][] = [
  ['wang', 'HN-HNVC', ['2024-01-15', '2024-06-28', '2025-01-10', '2025-06-27']],
  ['liu', 'HN-HNVC', ['2024-01-15', '2024-06-28', '2025-01-10']],
  ['chen', 'HN-HNVC', ['2025-01-10', '2025-06-27']],
  ['yang', 'HN-ZZRVC', ['2023-01-12', '2023-06-30', '2024-01-12', '2024-06-30', '2025-01-10']],
  ['zhao', 'HN-ZZRVC', ['2024-01-12', '2024-06-30', '2025-01-10']],
  ['zhang', 'HN-ZZRVC', ['2025-01-10', '2025-06-27']],
  ['hu', 'HN-HNIS', ['2023-01-10', '2023-06-30', '2024-01-10']],
  ['guo', 'HN-HNIS', ['2024-01-10', '2024-06-30']],
  ['li', 'HN-HAUST', ['2024-07-10', '2025-01-12']],
  ['sun', 'HN-HAUST', ['2023-07-10', '2024-01-12', '2024-07-10']],
]

/** Training and work posted by enterprises and training bodies: [learner, org, title, hours, category, on]. */
export const trainings: [string, string, string, string, string, string][] = [
  ['li', 'TB-ZZSKILL', '家政服务员（育婴方向）职业技能培训', '120', 'migrant_worker', '2023-04-20'],
  ['li', 'ENT-YUTONG', '新能源客车装配岗位培训', '64', 'employee', '2024-10-18'],
  ['zhang', 'TB-ZZSKILL', '退役军人电工技能培训', '96', 'veteran', '2024-05-16'],
  ['huang', 'TB-ZZSKILL', '高校毕业生网络直播营销培训', '80', 'unemployed_graduate', '2025-03-28'],
  ['zhou', 'TB-NYFARM', '高素质农民（畜禽养殖）培训', '72', 'farmer', '2024-11-08'],
  ['zhou', 'TB-NYFARM', '生猪养殖技术提升培训', '40', 'farmer', '2025-06-12'],
  ['wu', 'ENT-CRTG', '盾构机操作与维护岗位培训', '160', 'veteran', '2025-08-22'],
  ['xu', 'TB-ZZSKILL', '养老护理员职业技能培训', '100', 'laid_off_worker', '2024-09-26'],
  ['sun', 'ENT-YUTONG', '工业机器人操作岗前培训', '48', 'employee', '2023-12-15'],
  ['ma', 'TB-ZZSKILL', '残疾人电子商务创业培训', '60', 'disabled', '2025-05-30'],
  ['zhu', 'ENT-YUTONG', '客车底盘装配钳工培训', '88', 'migrant_worker', '2024-04-19'],
]

/**
 * Social training delivered by schools (the policy's 2× figure, decision 0800): [learner, school,
 * title, hours, on]. Given to people enrolled at no school whose rules would turn it into credits.
 */
export const schoolTrainings: [string, string, string, string, string][] = [
  ['wu', 'HN-HAUST', '数控车床操作技能培训', '12', '2025-03-12'],
  ['huang', 'HN-HOU', '开放教育学习方法培训', '18', '2025-04-02'],
  ['zhou', 'HN-HNVC', '农村电商直播带货培训', '24', '2025-04-10'],
  ['wu', 'HN-HNVC', '退役军人网络安全运维培训', '16', '2025-05-20'],
  ['huang', 'HN-HNVC', 'Web前端开发职业技能培训', '32', '2025-06-18'],
  ['xu', 'HN-HNIS', '电工（初级）职业技能培训', '40', '2025-07-09'],
  ['zhou', 'HN-HAUST', '农机维修技术培训', '16', '2025-08-21'],
  ['xu', 'HN-HOU', '家庭教育指导培训', '12', '2025-09-26'],
  ['zhou', 'HN-HNVC', '老年照护技能提升培训', '24', '2025-10-15'],
  ['ma', 'HN-HNVC', '无障碍网页设计培训', '8', '2025-11-08'],
  ['ma', 'HN-HAUST', '工业设计软件应用培训', '20', '2025-12-02'],
]

/**
 * Adults enrolling at a school in 2025 (社会扩招), in programs no demo rule targets:
 * [learner, school, program code, program name, started on].
 */
export const adultEnrollments: [string, string, string, string, string][] = [
  ['xu', 'HN-HNVC', 'P-ELDER', '智慧健康养老服务与管理（社会扩招）', '2025-09-01'],
  ['ma', 'HN-HNVC', 'P-ELDER', '智慧健康养老服务与管理（社会扩招）', '2025-09-01'],
  ['wu', 'HN-HNIS', 'P-MECH', '机电技术应用', '2025-09-01'],
  ['huang', 'HN-HAUST', 'CE-ECOM', '电子商务（继续教育）', '2025-09-01'],
]

/** Competitions posted by schools: [learner, school, title, level, on]. */
export const competitions: [string, string, string, string, string][] = [
  [
    'yang',
    'HN-ZZRVC',
    '全国职业院校技能大赛河南省选拔赛 轨道交通信号控制系统设备装调 一等奖',
    'provincial',
    '2025-05-23',
  ],
  ['zhao', 'HN-ZZRVC', '河南省职业院校技能大赛 机车检修 三等奖', 'provincial', '2025-04-18'],
  ['wang', 'HN-HNVC', '河南省职业院校技能大赛 Web技术 二等奖', 'provincial', '2025-04-20'],
]

/** 1+X certificates issued: [learner, type, level, score, issued on]. */
export const certificates: [
  string,
  string,
  'junior' | 'intermediate' | 'senior',
  string,
  string,
][] = [
  ['wang', 'WEB-FE', 'intermediate', '86.5', '2025-07-15'],
  ['liu', 'WEB-FE', 'intermediate', '78', '2025-07-15'],
  ['chen', 'WEB-FE', 'junior', '91', '2025-12-20'],
  ['xu', 'ELDER-CARE', 'junior', '82', '2024-12-28'],
  ['ma', 'ELDER-CARE', 'junior', '88', '2025-06-28'],
]

/**
 * Program plans the demo schools publish (decision 0810): 河南信息职业技术学院's Web front-end program,
 * a three-year higher vocational plan whose courses include those its 1+X certificate rules replace;
 * and the open university's bachelor program on Korea's ACBS standard (seeds/programs/).
 */
export const programPlans: {
  orgCode: string
  programCode: string
  plan?: Record<string, unknown>
  standard?: 'bachelor' | 'associate'
  courses: {
    courseCode: string
    courseName: string
    courseType: string
    credits: string
    required: boolean
  }[]
  programName?: string
}[] = [
  {
    orgCode: 'HN-HNVC',
    programCode: 'P-WEB',
    plan: {
      programName: '软件技术（Web前端方向）',
      basis: '河南省高等职业教育专科 三年制人才培养方案（示例）',
      totalCredits: '150',
      creditsByType: { foundation: '40', core: '60', elective: '20', practice: '20' },
      maxCreditsPerTerm: '30',
    },
    courses: [
      {
        courseCode: 'SE1101',
        courseName: '程序设计基础（C语言）',
        courseType: 'foundation',
        credits: '4',
        required: true,
      },
      {
        courseCode: 'SE1102',
        courseName: '计算机网络基础',
        courseType: 'foundation',
        credits: '3',
        required: true,
      },
      {
        courseCode: 'WEB101',
        courseName: '网页基础',
        courseType: 'foundation',
        credits: '4',
        required: true,
      },
      {
        courseCode: 'SE1201',
        courseName: 'HTML5与CSS3网页制作',
        courseType: 'core',
        credits: '4',
        required: true,
      },
      {
        courseCode: 'SE1202',
        courseName: 'JavaScript程序设计',
        courseType: 'core',
        credits: '4',
        required: true,
      },
      {
        courseCode: 'WEB201',
        courseName: '网页设计',
        courseType: 'core',
        credits: '6',
        required: true,
      },
      {
        courseCode: 'WEB202',
        courseName: '前端框架',
        courseType: 'core',
        credits: '4',
        required: true,
      },
      {
        courseCode: 'SE2102',
        courseName: '数据库原理与应用（MySQL）',
        courseType: 'core',
        credits: '3',
        required: true,
      },
      {
        courseCode: 'SE2201',
        courseName: 'Vue.js前端框架开发',
        courseType: 'core',
        credits: '4',
        required: false,
      },
      {
        courseCode: 'SE2101',
        courseName: 'Python程序设计',
        courseType: 'elective',
        credits: '3',
        required: false,
      },
      {
        courseCode: 'PR3001',
        courseName: '岗位实习',
        courseType: 'practice',
        credits: '20',
        required: true,
      },
    ],
  },
  {
    orgCode: 'HN-HOU',
    programCode: 'BA-CS',
    standard: 'bachelor',
    programName: '计算机科学与技术（开放教育）',
    courses: [
      {
        courseCode: 'OU-CS110',
        courseName: '程序设计基础',
        courseType: 'foundation',
        credits: '4',
        required: true,
      },
      {
        courseCode: 'OU-PD01',
        courseName: '职业素养拓展',
        courseType: 'elective',
        credits: '6',
        required: false,
      },
      {
        courseCode: 'ACBS-CS101',
        courseName: 'Computer Science 101',
        courseType: 'core',
        credits: '3',
        required: false,
      },
      {
        courseCode: 'ACBS-CS102',
        courseName: 'Computer Science 102',
        courseType: 'core',
        credits: '3',
        required: false,
      },
    ],
  },
]

/** Credit tuition schedules (学分制收费): school → lines of program, academic year, price, recognized. */
export const tuitionSchedules: Record<string, Record<string, unknown>[]> = {
  'HN-HNVC': [
    { programCode: 'P-WEB', year: 2023, pricePerCredit: '110', recognizedCharge: 'exempt' },
    { programCode: 'P-WEB', year: 2024, pricePerCredit: '115', recognizedCharge: 'exempt' },
    {
      programCode: 'P-WEB',
      year: 2025,
      pricePerCredit: '120',
      recognizedCharge: 'share',
      recognizedShare: '0.3',
    },
    {
      programCode: 'P-WEB',
      year: 2026,
      pricePerCredit: '125',
      recognizedCharge: 'share',
      recognizedShare: '0.3',
    },
  ],
}
