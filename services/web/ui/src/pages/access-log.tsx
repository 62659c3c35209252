// The admins' view of who looked (decisions 0720, 0725): every service's reads of learners' data,
// filtered by the learner's 身份证号 (or name and birth date), the organization and the dates —
// never by an internal id. The evidence-read log of one application stays on the reviewer's page.
import { useState } from 'preact/hooks'
import { api, organizations, type Page } from '../api'
import { t, w } from '../i18n'
import { FilterForm, PagedList, usePager } from '../staff-ui'
import { binder, Field, fmtDate, Section, Select, useLoad } from '../ui'
import { roleWords } from './who-looked'

/** What was read, said of the learner (the learner's own page says "you"). */
const whatWords: Record<string, [string, string]> = {
  profile: ['姓名、账号与身份证号（部分隐藏）', 'Name, account number and masked national id'],
  open: ['开户时核对到其已有账户', 'Opening an account, found the existing one'],
  enrollments: ['在读/报名记录', 'Enrollments'],
  entries: ['学分账单', 'Statement of entries'],
  account: ['账户余额', 'Account balances'],
  chain: ['账本校验', 'Ledger check'],
  find: [
    '按身份证号、学号或姓名查找学习者',
    'Found the learner by national id, student number or name',
  ],
  import: [
    '导入表格（预览或导入）中按身份证号或学号找到并显示其姓名',
    'Found by national id or student number in an imported spreadsheet (preview or import), name shown',
  ],
  lookup: [
    '按身份证号和姓名或账号核对账户',
    'Looked the account up by national id and name or account number',
  ],
  'access-log': [
    '管理员按身份证号或姓名查询查看记录',
    'An administrator searched the read log by national id or name',
  ],
  certificate: ['一张职业技能等级证书（含姓名）', 'One skill certificate, with the name'],
  certificates: ['证书列表（含姓名）', 'A list of certificates, with the name'],
  'certificate-search': [
    '按姓名或身份证号查找证书',
    'Searched certificates by name or national id',
  ],
  verification: [
    '有人用证书编号和姓名查验了证书',
    'A certificate checked by its number and the name',
  ],
  application: [
    '学分认定申请（含姓名与证明材料清单）',
    'A recognition application, with the name and the list of evidence',
  ],
  applications: ['申请列表中的学分认定申请', 'A recognition application in a list'],
  evidence: ['申请中的一份证明材料文件', 'An evidence file of an application'],
}

interface AdminRead {
  id: string
  at: string
  role: string
  organization: { id: string; name: string | null } | null
  what: string
  service: string
  actorKind?: string
  actorId?: string
  ip?: string
}

const serviceWords: Record<string, [string, string]> = {
  accounts: ['学习账户', 'Accounts'],
  certificates: ['证书', 'Certificates'],
  recognition: ['学分认定', 'Recognition'],
}

export function AccessLog() {
  const empty = { nationalId: '', name: '', birthDate: '', orgId: '', from: '', to: '' }
  const [f, setF] = useState(empty)
  const [query, setQuery] = useState(empty)
  const pager = usePager([query])
  const orgs = useLoad(() => organizations())
  const list = useLoad(() => {
    const body: Record<string, unknown> = { limit: 30 }
    if (query.nationalId.trim()) body.nationalId = query.nationalId.trim()
    if (query.name.trim()) body.name = query.name.trim()
    if (query.birthDate) body.birthDate = query.birthDate
    if (query.orgId) body.orgId = query.orgId
    // Whole days in China's time, as the audit trail counts them.
    if (query.from) body.from = `${query.from}T00:00:00+08:00`
    if (query.to) body.to = `${query.to}T23:59:59.999+08:00`
    if (pager.cursor) body.cursor = pager.cursor
    return api.post<Page<AdminRead>>('/v1/access-log/search', body)
  }, [query, pager.cursor])
  const bind = binder(f, setF)
  const word = (pair: [string, string] | undefined, fallback: string) =>
    pair ? t(pair[0], pair[1]) : fallback
  return (
    <Section title={t('个人信息查看记录', 'Reads of personal data')} id="access-log">
      <p class="hint">
        {t(
          '工作人员和公众每次查看学习者个人信息都会记录（不可更改），保存三年。按身份证号查找某位学习者时，这次查找本身也会被记录。',
          'Every read of a learner’s personal data by staff or the public is recorded (unchangeable) and kept three years. Searching for a learner by national id is itself recorded.',
        )}
      </p>
      <FilterForm
        label={t('筛选查看记录', 'Filter the reads')}
        submit={t('筛选', 'Filter')}
        onSubmit={() => setQuery({ ...f })}
      >
        <Field label={t('身份证号', 'National id')} {...bind('nationalId')} autoComplete="off" />
        <Field label={t('姓名', 'Name')} {...bind('name')} autoComplete="off" />
        <Field
          label={t('出生日期（按姓名查找时）', 'Birth date (with a name)')}
          type="date"
          {...bind('birthDate')}
        />
        <Select
          label={t('查看机构', 'Organization')}
          {...bind('orgId')}
          options={[
            ['', t('全部', 'All')],
            ...[...(orgs.data?.values() ?? [])].map((o): [string, string] => [o.id, o.name]),
          ]}
        />
        <Field label={t('从', 'From')} type="date" {...bind('from')} />
        <Field label={t('至', 'To')} type="date" {...bind('to')} />
      </FilterForm>
      <PagedList
        state={list}
        pager={pager}
        empty={t('没有记录。', 'No reads.')}
        caption={t('个人信息查看记录', 'Reads of personal data')}
        scroll={false}
        rowKey={(r) => r.id}
        rowProps={() => ({ 'data-testid': 'access-log-row' })}
        columns={[
          { label: t('时间（北京时间）', 'When (China time)'), cell: (r) => fmtDate(r.at) },
          {
            label: t('机构', 'Organization'),
            cell: (r) =>
              r.organization?.name ??
              (r.role === 'public'
                ? t('—（未登录）', '— (not signed in)')
                : t('平台', 'The platform')),
          },
          { label: t('身份', 'Role'), cell: (r) => word(roleWords[r.role], w(r.role)) },
          { label: t('查看内容', 'What was read'), cell: (r) => word(whatWords[r.what], r.what) },
          { label: t('服务', 'Service'), cell: (r) => word(serviceWords[r.service], r.service) },
          { label: t('来源地址', 'From'), cell: (r) => <span class="small">{r.ip ?? ''}</span> },
        ]}
      />
    </Section>
  )
}
