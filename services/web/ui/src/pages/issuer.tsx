import { useState } from 'preact/hooks'
import { ApiError, api, auth, newKey, type Page } from '../api'
import { nameIn, t, w } from '../i18n'
import {
  BusyButton,
  Confirm,
  ConfirmButton,
  csvBlob,
  download,
  FilterForm,
  fileRequest,
  PagedList,
  usePager,
} from '../staff-ui'
import {
  binder,
  errorsByPath,
  Field,
  Form,
  fmtDate,
  Loading,
  Notice,
  ProblemBox,
  Section,
  Select,
  type Tab,
  TabbedPage,
  today,
  useLoad,
} from '../ui'

const tabs: Tab[] = [
  ['', '证书列表', 'Certificates', () => <CertificateList />],
  ['issue', '颁发证书', 'Issue', () => <Issue />],
  ['batch', '批量颁发', 'Batch', () => <Batch />],
  ['revoke', '按编号撤销', 'Revoke by number', () => <RevokeByNumber />],
]

interface CertType {
  code: string
  name: string
  nameEn: string | null
  evaluationOrgId: string
  levels: string[]
  validityYears: number
  fees: Record<string, string>
}

export interface Certificate {
  id: string
  number: string
  typeCode: string
  typeName: string
  level: string
  holderName: string
  score: string | null
  issuedOn: string
  expiresOn: string
  status: 'valid' | 'revoked' | 'expired'
  issuer: string
  revokedAt: string | null
  revocationReason: string | null
}

function useMyTypes() {
  return useLoad(async () => {
    const page = await api.get<Page<CertType>>('/v1/certificate-types?limit=100')
    return page.items.filter((c) => c.evaluationOrgId === auth.current?.claims.org)
  })
}

export function IssuerPage({ path }: { path: string[] }) {
  return <TabbedPage base="issuer" path={path} tabs={tabs} />
}

const levelOptions = ['junior', 'intermediate', 'senior']

function StatusTag({ c }: { c: Certificate }) {
  return <span class={`status cert-${c.status}`}>{w(c.status)}</span>
}

/** What a person reads to know which certificate it is: holder, type, level, dates. */
function CertificateFacts({ c }: { c: Certificate }) {
  const types = useMyTypes()
  const type = types.data?.find((x) => x.code === c.typeCode)
  return (
    <dl class="facts">
      <dt>{t('证书编号', 'Number')}</dt>
      <dd class="mono">{c.number}</dd>
      <dt>{t('持证人', 'Holder')}</dt>
      <dd>{c.holderName}</dd>
      <dt>{t('证书', 'Certificate')}</dt>
      <dd>{type ? nameIn(type) : c.typeName}</dd>
      <dt>{t('等级', 'Level')}</dt>
      <dd>{w(c.level)}</dd>
      <dt>{t('发证日期', 'Issued on')}</dt>
      <dd>{c.issuedOn}</dd>
      <dt>{t('状态', 'Status')}</dt>
      <dd>
        <StatusTag c={c} />
        {c.revokedAt ? (
          <>
            {' '}
            {t('撤销于', 'on')} {fmtDate(c.revokedAt)}
            {c.revocationReason ? `（${c.revocationReason}）` : ''}
          </>
        ) : null}
      </dd>
    </dl>
  )
}

/** Asks before revoking, showing the certificate; the reason is required by the API. */
function RevokeDialog(props: {
  c: Certificate
  onClose: () => void
  onDone: (c: Certificate) => void
}) {
  const [reason, setReason] = useState('')
  return (
    <Confirm
      title={t('撤销这张证书？', 'Revoke this certificate?')}
      confirm={t('确认撤销', 'Revoke')}
      ready={reason.trim().length >= 2}
      onClose={props.onClose}
      onConfirm={async () => {
        props.onDone(
          await api.post<Certificate>(
            `/v1/certificates/${encodeURIComponent(props.c.number)}/revocation`,
            { reason: reason.trim() },
            newKey(),
          ),
        )
      }}
    >
      <CertificateFacts c={props.c} />
      <p>
        {t(
          '撤销后公开查验显示“已撤销”，不能恢复；学习者账户与凭证状态随之更新。',
          'Once revoked, public checks say revoked; it cannot be undone. The learner’s account and credential status follow.',
        )}
      </p>
      <Field
        label={t('撤销原因', 'Reason')}
        name="reason"
        value={reason}
        onInput={setReason}
        required
        hint={t('至少2个字，如“考核作弊，经复核撤销”', 'At least 2 characters')}
      />
    </Confirm>
  )
}

interface Filters {
  number: string
  name: string
  nationalId: string
  typeCode: string
  level: string
  status: string
  issuedFrom: string
  issuedTo: string
}
const noFilters: Filters = {
  number: '',
  name: '',
  nationalId: '',
  typeCode: '',
  level: '',
  status: '',
  issuedFrom: '',
  issuedTo: '',
}

/** The list of the organization's certificates: searched, paged, revocable row by row. */
function CertificateList() {
  const types = useMyTypes()
  const [f, setF] = useState<Filters>(noFilters)
  const [query, setQuery] = useState<Filters>(noFilters)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [notice, setNotice] = useState('')
  const [tick, setTick] = useState(0)
  const pager = usePager([query])
  const bind = binder(f, setF, errors)
  const list = useLoad(async () => {
    const q = query
    const filters: Record<string, string> = {}
    for (const k of ['number', 'typeCode', 'level', 'status', 'issuedFrom', 'issuedTo'] as const)
      if (q[k].trim()) filters[k] = q[k].trim()
    if (pager.cursor) filters.cursor = pager.cursor
    filters.limit = '20'
    // A person (身份证号, name) never goes in a URL: the search by person is a POST.
    if (q.nationalId.trim() || q.name.trim()) {
      const person = q.nationalId.trim()
        ? { nationalId: q.nationalId.trim(), name: q.name.trim() }
        : { holderName: q.name.trim() }
      const { limit, ...rest } = filters
      return api.post<Page<Certificate>>('/v1/certificates/search', {
        ...rest,
        ...person,
        limit: Number(limit),
      })
    }
    return api.get<Page<Certificate>>(`/v1/certificates?${new URLSearchParams(filters)}`)
  }, [query, pager.cursor, tick])
  const typeName = (code: string) => {
    const type = types.data?.find((c) => c.code === code)
    return type ? nameIn(type) : code
  }
  return (
    <Section title={t('本机构颁发的证书', 'Certificates we issued')} id="cert-list">
      <FilterForm
        label={t('查找证书', 'Find certificates')}
        submit={t('查找', 'Search')}
        onSubmit={() => {
          const bad: Record<string, string> = {}
          if (f.nationalId.trim() && !f.name.trim())
            bad.name = t('按身份证号查找时请同时填写姓名', 'Give the name with the 身份证号')
          setErrors(bad)
          if (!Object.keys(bad).length) setQuery({ ...f })
        }}
        onClear={() => {
          setF(noFilters)
          setErrors({})
          setQuery(noFilters)
        }}
        more={{
          summary: t('更多条件：类型、等级、状态、日期', 'More: type, level, status, dates'),
          children: (
            <>
              <Select
                label={t('证书类型', 'Type')}
                {...bind('typeCode')}
                options={[
                  ['', t('全部', 'All')],
                  ...(types.data ?? []).map((c): [string, string] => [c.code, nameIn(c)]),
                ]}
              />
              <Select
                label={t('等级', 'Level')}
                {...bind('level')}
                options={[
                  ['', t('全部', 'All')],
                  ...levelOptions.map((l): [string, string] => [l, w(l)]),
                ]}
              />
              <Select
                label={t('状态', 'Status')}
                {...bind('status')}
                options={[
                  ['', t('全部', 'All')],
                  ...['valid', 'revoked', 'expired'].map((s): [string, string] => [s, w(s)]),
                ]}
              />
              <Field label={t('发证日期从', 'Issued from')} type="date" {...bind('issuedFrom')} />
              <Field label={t('发证日期至', 'Issued to')} type="date" {...bind('issuedTo')} />
            </>
          ),
        }}
      >
        <Field
          label={t('证书编号', 'Number')}
          {...bind('number')}
          placeholder="WEB-FE-2024-0000001"
        />
        <Field label={t('持证人姓名', 'Holder name')} {...bind('name')} />
        <Field
          label={t('身份证号', '身份证号 (national id)')}
          {...bind('nationalId')}
          autoComplete="off"
          hint={t('与姓名一起查找', 'Searched together with the name')}
        />
      </FilterForm>
      {notice ? <Notice>{notice}</Notice> : null}
      <PagedList
        state={list}
        pager={pager}
        empty={t('没有符合条件的证书。', 'No certificate matches.')}
        caption={t('证书', 'Certificates')}
        scroll={false}
        rowKey={(c) => c.id}
        rowProps={(c) => ({ class: c.status === 'revoked' ? 'revoked' : undefined })}
        columns={[
          { label: t('证书编号', 'Number'), cell: (c) => <span class="mono">{c.number}</span> },
          { label: t('持证人', 'Holder'), cell: (c) => c.holderName },
          { label: t('证书', 'Certificate'), cell: (c) => typeName(c.typeCode) || c.typeName },
          { label: t('等级', 'Level'), cell: (c) => w(c.level) },
          { label: t('发证日期', 'Issued on'), cell: (c) => c.issuedOn },
          { label: t('状态', 'Status'), cell: (c) => <StatusTag c={c} /> },
        ]}
        actions={(c) =>
          c.status === 'revoked' ? null : (
            <ConfirmButton
              label={t('撤销', 'Revoke')}
              name={t(`撤销 ${c.number}`, `Revoke ${c.number}`)}
              onOpen={() => setNotice('')}
            >
              {(close) => (
                <RevokeDialog
                  c={c}
                  onClose={close}
                  onDone={(c) => {
                    setNotice(t(`证书 ${c.number} 已撤销。`, `Certificate ${c.number} revoked.`))
                    setTick((n) => n + 1)
                  }}
                />
              )}
            </ConfirmButton>
          )
        }
      />
    </Section>
  )
}

/** Revoke by number: read it first, show it, then ask. A revoked one offers no second revocation. */
function RevokeByNumber() {
  const [number, setNumber] = useState('')
  const [found, setFound] = useState<Certificate | null>(null)
  const [asking, setAsking] = useState(false)
  const [notice, setNotice] = useState('')
  return (
    <Section title={t('按证书编号撤销', 'Revoke by certificate number')}>
      <Form
        label={t('查找证书', 'Find the certificate')}
        submit={t('查找', 'Find')}
        onSubmit={async () => {
          setFound(null)
          setNotice('')
          setFound(
            await api.get<Certificate>(`/v1/certificates/${encodeURIComponent(number.trim())}`),
          )
        }}
      >
        <Field
          label={t('证书编号', 'Certificate number')}
          name="number"
          value={number}
          onInput={setNumber}
          placeholder="WEB-FE-2024-0000001"
          required
        />
      </Form>
      {notice ? <Notice>{notice}</Notice> : null}
      {found ? (
        <div class="card inset">
          <CertificateFacts c={found} />
          {found.status === 'revoked' ? (
            <p>{t('这张证书已撤销，无需再次撤销。', 'This certificate is already revoked.')}</p>
          ) : (
            <div class="actions">
              <button type="button" class="danger" onClick={() => setAsking(true)}>
                {t('撤销这张证书', 'Revoke this certificate')}
              </button>
            </div>
          )}
        </div>
      ) : null}
      {asking && found ? (
        <RevokeDialog
          c={found}
          onClose={() => setAsking(false)}
          onDone={(c) => {
            setFound(c)
            setNotice(t(`证书 ${c.number} 已撤销。`, `Certificate ${c.number} revoked.`))
          }}
        />
      ) : null}
    </Section>
  )
}

/** Explains a 409 on issuing: the same assessment's certificate was revoked; names it. */
function RevokedBefore({ c }: { c: Certificate }) {
  return (
    <div class="problem" role="alert">
      <strong>
        {t(
          '不能再次颁发：同一学习者、证书、等级和发证日期的证书已被撤销。',
          'Not issued: the certificate for this learner, type, level and date was revoked.',
        )}
      </strong>
      <CertificateFacts c={c} />
      <p>
        {t(
          '撤销的证书不会恢复。学习者通过新的考核后，请以新考核的日期颁发新证书。',
          'A revoked certificate is not brought back. After a new assessment, issue with the date of that assessment.',
        )}
      </p>
    </div>
  )
}

function Issue() {
  const types = useMyTypes()
  const [f, setF] = useState({
    typeCode: '',
    level: 'junior',
    nationalId: '',
    holderName: '',
    score: '',
    issuedOn: today(),
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [done, setDone] = useState<Certificate | null>(null)
  const [revoked, setRevoked] = useState<Certificate | null>(null)
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v })
  const bind = binder(f, setF, errors)
  const typeCode = f.typeCode || types.data?.[0]?.code || ''
  const type = types.data?.find((c) => c.code === typeCode)
  return (
    <Section title={t('颁发1+X职业技能等级证书', 'Issue a 1+X certificate')}>
      <Loading state={types} />
      {types.data && !types.data.length ? (
        <Notice>
          {t('本机构没有可颁发的证书类型。', 'Your organization owns no certificate type.')}
        </Notice>
      ) : null}
      <Form
        label={t('颁发证书', 'Issue')}
        submit={t('颁发', 'Issue')}
        onSubmit={async () => {
          setErrors({})
          setDone(null)
          setRevoked(null)
          const body = {
            typeCode,
            level: f.level,
            nationalId: f.nationalId.trim(),
            holderName: f.holderName.trim(),
            issuedOn: f.issuedOn,
            ...(f.score.trim() ? { score: f.score.trim() } : {}),
          }
          try {
            setDone(await api.post<Certificate>('/v1/certificates', body, newKey()))
          } catch (err) {
            setErrors(errorsByPath(err))
            if (
              err instanceof ApiError &&
              err.problem.code === 'CERTIFICATES_CERTIFICATE_REVOKED'
            ) {
              // Name the revoked certificate in words: find it as the issuer's own list does.
              const page = await api
                .post<Page<Certificate>>('/v1/certificates/search', {
                  nationalId: body.nationalId,
                  name: body.holderName,
                  typeCode,
                  level: f.level,
                  status: 'revoked',
                  issuedFrom: f.issuedOn,
                  issuedTo: f.issuedOn,
                  limit: 1,
                })
                .catch(() => null)
              if (page?.items[0]) {
                setRevoked(page.items[0])
                return
              }
            }
            throw err
          }
        }}
      >
        <Select
          label={t('证书', 'Certificate')}
          name="typeCode"
          value={typeCode}
          onInput={set('typeCode')}
          options={(types.data ?? []).map((c) => [c.code, `${nameIn(c)} (${c.code})`])}
          required
        />
        <Select
          label={t('等级', 'Level')}
          {...bind('level')}
          options={(type?.levels ?? levelOptions).map((l) => [l, w(l)])}
        />
        <Field
          label={t('身份证号', '身份证号 (national id)')}
          {...bind('nationalId')}
          required
          autoComplete="off"
        />
        <Field
          label={t('持证人姓名', 'Holder name')}
          {...bind('holderName')}
          required
          hint={t('与身份证一致', 'As on the identity card')}
        />
        <Field label={t('考核成绩', 'Score')} {...bind('score')} />
        <Field label={t('发证日期', 'Issued on')} {...bind('issuedOn')} type="date" required />
      </Form>
      {revoked ? <RevokedBefore c={revoked} /> : null}
      {done ? (
        <Notice>
          {t('已颁发，证书编号', 'Issued, number')} <span class="mono">{done.number}</span>（
          {t('有效期至', 'valid until')} {done.expiresOn}）
        </Notice>
      ) : null}
    </Section>
  )
}

interface FileRow {
  row: number
  number: string | null
  accountNo: string | null
  holderName: string
  typeCode: string
  level: string
  issuedOn: string
  created: boolean
}
interface FileResult {
  items: FileRow[]
  created: number
  existing: number
  dryRun: boolean
  file: { format: string; ignored: string[] }
}

/** The sheet's columns in words, for errors that name a field. */
const fieldWords: Record<string, [string, string]> = {
  typeCode: ['证书类型代码', 'type code'],
  level: ['等级', 'level'],
  nationalId: ['身份证号', '身份证号'],
  name: ['姓名', 'name'],
  holderName: ['姓名', 'name'],
  score: ['成绩', 'score'],
  issuedOn: ['发证日期', 'issue date'],
}

interface BadRow {
  line: number
  messages: string[]
}

/** The errors of an upload by line: paths are `/rows/<line>/<field>` (or `/rows/<line>`). */
function badRows(err: unknown): BadRow[] {
  if (!(err instanceof ApiError)) return []
  const byLine = new Map<number, string[]>()
  for (const e of err.problem.errors ?? []) {
    const [, root, line, field] = e.path.split('/')
    if (root !== 'rows') continue
    const words = field ? fieldWords[field] : undefined
    // Cell messages already name their column ("发证日期（G列）: …"); others get the field's name.
    const text =
      !field || e.message.includes('：') || e.message.includes(': ')
        ? e.message
        : `${words ? t(...words) : field}：${e.message}`
    const n = Number(line)
    byLine.set(n, [...(byLine.get(n) ?? []), text])
  }
  return [...byLine.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([line, messages]) => ({ line, messages }))
}

/** Why a whole file was refused (old .xls, missing columns…), in the page's language. */
function fileProblem(err: unknown): string | null {
  if (!(err instanceof ApiError)) return null
  return err.problem.errors?.find((e) => e.path === '/file')?.message ?? null
}

const levelWord = (l: string) => w(l)

function reportOf(r: FileResult) {
  return csvBlob([
    [
      t('行号', 'Line'),
      t('证书编号', 'Number'),
      t('姓名', 'Name'),
      t('学习账户', 'Account'),
      t('证书类型代码', 'Type'),
      t('等级', 'Level'),
      t('发证日期', 'Issued on'),
      t('结果', 'Result'),
    ],
    ...r.items.map((i) => [
      i.row,
      i.number ?? '',
      i.holderName,
      i.accountNo ?? '',
      i.typeCode,
      levelWord(i.level),
      i.issuedOn,
      r.dryRun
        ? i.created
          ? t('将颁发', 'to issue')
          : t('已存在', 'exists')
        : i.created
          ? t('已颁发', 'issued')
          : t('已存在', 'existed'),
    ]),
  ])
}

function errorReportOf(rows: BadRow[]) {
  return csvBlob([
    [t('行号', 'Line'), t('问题', 'Problem')],
    ...rows.flatMap((r) => r.messages.map((m) => [r.line, m])),
  ])
}

const PREVIEW_ROWS = 50

/**
 * Batch issuance from the evaluation organization's own spreadsheet: the template, a dry run that
 * shows what would be issued, then all or nothing after a confirmation, and a report to keep.
 */
function Batch() {
  const [file, setFile] = useState<File | null>(null)
  const [key, setKey] = useState(newKey())
  const [preview, setPreview] = useState<FileResult | null>(null)
  const [done, setDone] = useState<FileResult | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [bad, setBad] = useState<BadRow[]>([])
  const [asking, setAsking] = useState(false)
  const [templateError, setTemplateError] = useState<unknown>(null)
  const send = async (dryRun: boolean) => {
    setError(null)
    if (!file) {
      setError(new Error(t('请先选择表格文件。', 'Choose a sheet first.')))
      return null
    }
    setBad([])
    try {
      const res = await fileRequest(
        'POST',
        `/v1/certificates/batch/file${dryRun ? '?dryRun=true' : ''}`,
        file,
        dryRun ? undefined : key,
      )
      return (await res.json()) as FileResult
    } catch (err) {
      setError(err)
      setBad(badRows(err))
      return null
    }
  }
  const shown = (r: FileResult) => (
    <>
      {r.dryRun ? (
        <p class="preview-counts">
          {t(
            `预览：将颁发 ${r.created} 张，已颁发过 ${r.existing} 张（不会重复颁发）。尚未写入。`,
            `Preview: ${r.created} to issue, ${r.existing} already issued (not issued twice). Nothing written yet.`,
          )}
        </p>
      ) : null}
      {r.file.ignored.length ? (
        <p class="hint">
          {t('未使用的列：', 'Columns not used: ')}
          {r.file.ignored.join(t('、', ', '))}
        </p>
      ) : null}
      <table class="cards">
        <caption class="sr-only">{r.dryRun ? t('预览', 'Preview') : t('结果', 'Result')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('行号', 'Line')}</th>
            <th scope="col">{t('姓名', 'Name')}</th>
            <th scope="col">{t('证书', 'Certificate')}</th>
            <th scope="col">{t('等级', 'Level')}</th>
            <th scope="col">{t('发证日期', 'Issued on')}</th>
            <th scope="col">{t('证书编号', 'Number')}</th>
          </tr>
        </thead>
        <tbody>
          {r.items.slice(0, PREVIEW_ROWS).map((i) => (
            <tr key={i.row}>
              <td data-label={t('行号', 'Line')}>{i.row}</td>
              <td data-label={t('姓名', 'Name')}>{i.holderName}</td>
              <td data-label={t('证书', 'Certificate')}>{i.typeCode}</td>
              <td data-label={t('等级', 'Level')}>{w(i.level)}</td>
              <td data-label={t('发证日期', 'Issued on')}>{i.issuedOn}</td>
              <td data-label={t('证书编号', 'Number')}>
                {i.number ? (
                  <span class="mono">{i.number}</span>
                ) : (
                  <span class="tag ok">{t('新', 'new')}</span>
                )}
                {!i.created ? <span class="tag"> {t('已存在', 'exists')}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.items.length > PREVIEW_ROWS ? (
        <p class="hint">
          {t(
            `仅显示前 ${PREVIEW_ROWS} 行，共 ${r.items.length} 行；完整内容见报告。`,
            `The first ${PREVIEW_ROWS} of ${r.items.length} rows; the report has them all.`,
          )}
        </p>
      ) : null}
    </>
  )
  return (
    <Section title={t('批量颁发', 'Issue a batch')} id="batch">
      <p>
        {t(
          '用 Excel（.xlsx）或 CSV 表格一次颁发多张证书：每行一张，按身份证号和姓名找到学习者。全部正确才会颁发，任何一行有错都不会写入。',
          'Issue many certificates from an Excel (.xlsx) or CSV sheet: one a row, learners found by 身份证号 and name. All rows or none: any bad row and nothing is written.',
        )}
      </p>
      <div class="actions">
        <BusyButton
          class="secondary"
          onError={setTemplateError}
          onClick={async () => {
            setTemplateError(null)
            const res = await fileRequest('GET', '/v1/certificates/batch/template')
            download('证书批量颁发模板.xlsx', await res.blob())
          }}
        >
          {t('下载模板（Excel）', 'Download the template (Excel)')}
        </BusyButton>
      </div>
      <ProblemBox error={templateError} />
      <div class="field file-input">
        <label for="batch-file">{t('选择表格文件', 'Choose the sheet')}</label>
        <input
          id="batch-file"
          name="file"
          type="file"
          accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onChange={(e) => {
            const f = (e.target as HTMLInputElement).files?.[0] ?? null
            setFile(f)
            setKey(newKey())
            setPreview(null)
            setDone(null)
            setError(null)
            setBad([])
          }}
        />
        <small class="hint">
          {t(
            '最多 10,000 行；列：证书类型代码、等级、身份证号、姓名、成绩、发证日期',
            'Up to 10,000 rows; columns: type code, level, 身份证号, name, score, issue date',
          )}
        </small>
      </div>
      <div class="actions">
        <BusyButton
          onClick={async () => {
            setDone(null)
            setPreview(await send(true))
          }}
        >
          {t('检查并预览', 'Check and preview')}
        </BusyButton>
      </div>
      {/* Rows named by line below, and the file's reason, say it better than the problem's list. */}
      {fileProblem(error) ? (
        <div class="problem" role="alert">
          <strong>{(error as ApiError).problem.title}</strong>
          <p>{fileProblem(error)}</p>
        </div>
      ) : bad.length ? null : (
        <ProblemBox error={error} />
      )}
      {bad.length ? (
        <div class="problem" role="alert">
          <p>
            {t(
              `共 ${bad.length} 行有问题，未颁发任何证书。请在表格中改正后重新上传：`,
              `${bad.length} row(s) have problems; nothing was issued. Correct them in the sheet and upload again:`,
            )}
          </p>
          <ul class="rows-bad">
            {bad.map((b) => (
              <li key={b.line}>
                <strong>{t(`第 ${b.line} 行`, `Line ${b.line}`)}</strong>：{b.messages.join('；')}
              </li>
            ))}
          </ul>
          <button
            type="button"
            class="secondary"
            onClick={() => download(t('错误报告.csv', 'problems.csv'), errorReportOf(bad))}
          >
            {t('下载错误报告', 'Download the problems')}
          </button>
        </div>
      ) : null}
      {preview && !done ? (
        <div class="card inset">
          {shown(preview)}
          <div class="actions">
            <button type="button" disabled={preview.created === 0} onClick={() => setAsking(true)}>
              {t(`颁发这 ${preview.created} 张证书`, `Issue these ${preview.created}`)}
            </button>
          </div>
        </div>
      ) : null}
      {done ? (
        <div class="card inset">
          <Notice>
            {t(
              `已颁发 ${done.created} 张证书，已存在 ${done.existing} 张。`,
              `${done.created} certificates issued, ${done.existing} already there.`,
            )}
          </Notice>
          {shown(done)}
          <button
            type="button"
            class="secondary"
            onClick={() => download(t('颁发结果.csv', 'issued.csv'), reportOf(done))}
          >
            {t('下载结果报告（CSV）', 'Download the report (CSV)')}
          </button>
        </div>
      ) : null}
      {asking && preview ? (
        <Confirm
          title={t('确认批量颁发？', 'Issue the batch?')}
          confirm={t(`颁发 ${preview.created} 张`, `Issue ${preview.created}`)}
          danger={false}
          onClose={() => setAsking(false)}
          onConfirm={async () => {
            const r = await send(false)
            if (r) setDone(r)
          }}
        >
          <p>
            {t(
              `将按“${file?.name ?? ''}”颁发 ${preview.created} 张证书（已存在的 ${preview.existing} 张不会重复颁发）。证书颁发后只能撤销，不能删除。`,
              `${preview.created} certificates will be issued from “${file?.name ?? ''}” (the ${preview.existing} already issued are not issued again). Issued certificates can be revoked, not deleted.`,
            )}
          </p>
        </Confirm>
      ) : null}
    </Section>
  )
}
