// Who looked at my information (decisions 0720, 0725): the reads of staff that accounts recorded,
// and those certificates and recognition reported to it, in words — the organization, the role, when (China time) and what was read — never route strings.
import { useState } from 'preact/hooks'
import { api, type Page } from '../api'
import { t, w } from '../i18n'
import { CardTable, fmtDate, Loading, ProblemBox, useLoad } from '../ui'
import { EraseMe } from './erase-me'
import { MyCorrections } from './my-corrections'
import { MyData } from './my-data'

export interface Read {
  id: string
  at: string
  role: string
  organization: { id: string; name: string | null } | null
  what: string
}

export const whatWords: Record<string, [string, string]> = {
  profile: ['姓名、账号与身份证号（部分隐藏）', 'Name, account number and masked national id'],
  open: ['为您开户时核对到您已有的账户', 'Went to open an account for you and found yours'],
  enrollments: ['在读/报名记录', 'Enrollments'],
  entries: ['学分账单', 'Statement of entries'],
  account: ['账户余额', 'Account balances'],
  chain: ['账本校验', 'Ledger check'],
  find: ['按身份证号、学号或姓名查找到您', 'Found you by national id, student number or name'],
  import: [
    '导入表格（预览或导入）时按身份证号或学号找到您并显示您的姓名',
    'Found you by national id or student number in an imported spreadsheet (preview or import), showing your name',
  ],
  lookup: [
    '按身份证号和姓名或账号核对您的账户',
    'Looked your account up by national id and name or account number',
  ],
  corrections: [
    '您的姓名和身份证号的更正记录（含更正前的值）',
    'The corrections of your name and national id, with the values before',
  ],
  'access-log': [
    '管理员按您的身份证号或姓名查询查看记录',
    'An administrator searched the read log by your national id or name',
  ],
  certificate: [
    '您的一张职业技能等级证书（含姓名）',
    'One of your skill certificates, with your name',
  ],
  certificates: [
    '证书列表中您的证书（含姓名）',
    'Your certificate in a list of certificates, with your name',
  ],
  'certificate-search': [
    '按姓名或身份证号查找您的证书',
    'Searched your certificates by name or national id',
  ],
  verification: [
    '有人用证书编号和您的姓名查验了证书',
    'Someone checked a certificate with its number and your name',
  ],
  application: [
    '您的学分认定申请（含姓名与证明材料清单）',
    'Your recognition application, with your name and the list of evidence',
  ],
  applications: [
    '申请列表中您的学分认定申请',
    'Your recognition application in a list of applications',
  ],
  evidence: ['您申请中的一份证明材料文件', 'An evidence file of your application'],
}

export const roleWords: Record<string, [string, string]> = {
  client: ['机构系统（自动对接）', "The organization's system"],
  public: ['公众（证书查验）', 'The public (certificate check)'],
}

function words(pair: [string, string] | undefined, fallback: string) {
  return pair ? t(pair[0], pair[1]) : fallback
}

export function WhoLooked({ learnerId }: { learnerId: string }) {
  const [more, setMore] = useState<Read[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const state = useLoad(async () => {
    const page = await api.get<Page<Read>>(`/v1/learners/${learnerId}/access-log?limit=50`)
    setMore([])
    setCursor(page.nextCursor)
    return page
  }, [learnerId])
  const rows = [...(state.data?.items ?? []), ...more]
  const next = async () => {
    setError(null)
    try {
      const page = await api.get<Page<Read>>(
        `/v1/learners/${learnerId}/access-log?limit=50&cursor=${cursor}`,
      )
      setMore((m) => [...m, ...page.items])
      setCursor(page.nextCursor)
    } catch (err) {
      setError(err)
    }
  }
  return (
    <div>
      <h1>{t('谁查看了我的信息', 'Who looked at my information')}</h1>
      <p class="hint">
        {t(
          '机构工作人员和平台管理员每次查看您的个人信息或学分记录都会被记录，记录不能更改，保存三年。您自己查看不会列在这里。',
          'Every time staff of an organization or a platform administrator read your personal details or records, it is recorded; the record cannot be changed and is kept for three years. Your own views are not listed.',
        )}
      </p>
      <Loading state={state} />
      {state.data ? (
        rows.length ? (
          <CardTable
            caption={t('查看记录', 'Reads of your information')}
            rows={rows}
            rowKey={(r) => r.id}
            rowProps={() => ({ 'data-testid': 'who-looked-row' })}
            columns={[
              {
                label: t('时间（北京时间）', 'When (China time)'),
                cell: (r) => <time dateTime={r.at}>{fmtDate(r.at)}</time>,
              },
              {
                label: t('机构', 'Organization'),
                cell: (r) =>
                  r.organization?.name ??
                  (r.organization
                    ? t('机构', 'An organization')
                    : r.role === 'public'
                      ? t('—（未登录）', '— (not signed in)')
                      : t('平台', 'The platform')),
              },
              { label: t('身份', 'Role'), cell: (r) => words(roleWords[r.role], w(r.role)) },
              {
                label: t('查看内容', 'What was read'),
                cell: (r) => words(whatWords[r.what], t('您的信息', 'Your information')),
              },
            ]}
          />
        ) : (
          <p>{t('还没有人查看过您的信息。', 'Nobody has looked at your information yet.')}</p>
        )
      ) : null}
      {cursor ? (
        <p class="actions">
          <button type="button" class="secondary" onClick={next}>
            {t('更多', 'More')}
          </button>
        </p>
      ) : null}
      <ProblemBox error={error} />
      <MyCorrections learnerId={learnerId} />
      <MyData learnerId={learnerId} />
      <EraseMe learnerId={learnerId} />
    </div>
  )
}
