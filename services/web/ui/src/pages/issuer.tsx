import { useState } from 'preact/hooks'
import { ApiError, api, auth, newKey, type Page } from '../api'
import { t, w } from '../i18n'
import { Confirm, Pager, usePager } from '../staff-ui'
import {
  errorsByPath,
  Field,
  Form,
  fmtDate,
  Loading,
  Notice,
  ProblemBox,
  Section,
  Select,
  TextArea,
  today,
  useLoad,
} from '../ui'
import { Tabs } from './learner'

const tabs: [string, string, string][] = [
  ['', '证书列表', 'Certificates'],
  ['issue', '颁发证书', 'Issue'],
  ['batch', '批量颁发', 'Batch'],
  ['revoke', '按编号撤销', 'Revoke by number'],
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
  const sub = path[0] ?? ''
  return (
    <div>
      <Tabs base="issuer" items={tabs} current={sub} />
      {sub === '' ? <CertificateList /> : null}
      {sub === 'issue' ? <Issue /> : null}
      {sub === 'batch' ? <Batch /> : null}
      {sub === 'revoke' ? <RevokeByNumber /> : null}
    </div>
  )
}

const levelOptions = ['junior', 'intermediate', 'senior']

function StatusTag({ c }: { c: Certificate }) {
  return <span class={`status cert-${c.status}`}>{w(c.status)}</span>
}

/** What a person reads to know which certificate it is: holder, type, level, dates. */
function CertificateFacts({ c }: { c: Certificate }) {
  return (
    <dl class="facts">
      <dt>{t('证书编号', 'Number')}</dt>
      <dd class="mono">{c.number}</dd>
      <dt>{t('持证人', 'Holder')}</dt>
      <dd>{c.holderName}</dd>
      <dt>{t('证书', 'Certificate')}</dt>
      <dd>{c.typeName}</dd>
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
  const [revoking, setRevoking] = useState<Certificate | null>(null)
  const [notice, setNotice] = useState('')
  const [tick, setTick] = useState(0)
  const pager = usePager([query])
  const set = (k: keyof Filters) => (v: string) => setF({ ...f, [k]: v })
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
  const typeName = (code: string) => types.data?.find((c) => c.code === code)?.name ?? code
  return (
    <Section title={t('本机构颁发的证书', 'Certificates we issued')} id="cert-list">
      <form
        class="filters"
        aria-label={t('查找证书', 'Find certificates')}
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          const bad: Record<string, string> = {}
          if (f.nationalId.trim() && !f.name.trim())
            bad.name = t('按身份证号查找时请同时填写姓名', 'Give the name with the 身份证号')
          setErrors(bad)
          if (!Object.keys(bad).length) setQuery({ ...f })
        }}
      >
        <div class="filter-grid">
          <Field
            label={t('证书编号', 'Number')}
            name="number"
            value={f.number}
            onInput={set('number')}
            placeholder="WEB-FE-2024-0000001"
            error={errors.number}
          />
          <Field
            label={t('持证人姓名', 'Holder name')}
            name="name"
            value={f.name}
            onInput={set('name')}
            error={errors.name}
          />
          <Field
            label={t('身份证号', '身份证号 (national id)')}
            name="nationalId"
            value={f.nationalId}
            onInput={set('nationalId')}
            autoComplete="off"
            hint={t('与姓名一起查找', 'Searched together with the name')}
            error={errors.nationalId}
          />
          <Select
            label={t('证书类型', 'Type')}
            name="typeCode"
            value={f.typeCode}
            onInput={set('typeCode')}
            options={[
              ['', t('全部', 'All')],
              ...(types.data ?? []).map((c): [string, string] => [c.code, c.name]),
            ]}
          />
          <Select
            label={t('等级', 'Level')}
            name="level"
            value={f.level}
            onInput={set('level')}
            options={[
              ['', t('全部', 'All')],
              ...levelOptions.map((l): [string, string] => [l, w(l)]),
            ]}
          />
          <Select
            label={t('状态', 'Status')}
            name="status"
            value={f.status}
            onInput={set('status')}
            options={[
              ['', t('全部', 'All')],
              ...['valid', 'revoked', 'expired'].map((s): [string, string] => [s, w(s)]),
            ]}
          />
          <Field
            label={t('发证日期从', 'Issued from')}
            name="issuedFrom"
            type="date"
            value={f.issuedFrom}
            onInput={set('issuedFrom')}
          />
          <Field
            label={t('发证日期至', 'Issued to')}
            name="issuedTo"
            type="date"
            value={f.issuedTo}
            onInput={set('issuedTo')}
          />
        </div>
        <div class="actions">
          <button type="submit">{t('查找', 'Search')}</button>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setF(noFilters)
              setErrors({})
              setQuery(noFilters)
            }}
          >
            {t('清除条件', 'Clear')}
          </button>
        </div>
      </form>
      {notice ? <Notice>{notice}</Notice> : null}
      {list.error ? (
        <ProblemBox error={list.error} />
      ) : list.loading && !list.data ? (
        <Loading state={list} />
      ) : null}
      {list.data && !list.data.items.length ? (
        <p>{t('没有符合条件的证书。', 'No certificate matches.')}</p>
      ) : null}
      {list.data?.items.length ? (
        <table class="cards" aria-busy={list.loading ? 'true' : undefined}>
          <caption class="sr-only">{t('证书', 'Certificates')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('证书编号', 'Number')}</th>
              <th scope="col">{t('持证人', 'Holder')}</th>
              <th scope="col">{t('证书', 'Certificate')}</th>
              <th scope="col">{t('等级', 'Level')}</th>
              <th scope="col">{t('发证日期', 'Issued on')}</th>
              <th scope="col">{t('状态', 'Status')}</th>
              <th scope="col">
                <span class="sr-only">{t('操作', 'Actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((c) => (
              <tr key={c.id} class={c.status === 'revoked' ? 'revoked' : undefined}>
                <td data-label={t('证书编号', 'Number')} class="mono">
                  {c.number}
                </td>
                <td data-label={t('持证人', 'Holder')}>{c.holderName}</td>
                <td data-label={t('证书', 'Certificate')}>{typeName(c.typeCode) || c.typeName}</td>
                <td data-label={t('等级', 'Level')}>{w(c.level)}</td>
                <td data-label={t('发证日期', 'Issued on')}>{c.issuedOn}</td>
                <td data-label={t('状态', 'Status')}>
                  <StatusTag c={c} />
                </td>
                <td class="row-actions">
                  {c.status === 'revoked' ? null : (
                    <button
                      type="button"
                      class="secondary"
                      aria-label={t(`撤销 ${c.number}`, `Revoke ${c.number}`)}
                      onClick={() => {
                        setNotice('')
                        setRevoking(c)
                      }}
                    >
                      {t('撤销', 'Revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.nextCursor} />
      {revoking ? (
        <RevokeDialog
          c={revoking}
          onClose={() => setRevoking(null)}
          onDone={(c) => {
            setNotice(t(`证书 ${c.number} 已撤销。`, `Certificate ${c.number} revoked.`))
            setTick((n) => n + 1)
          }}
        />
      ) : null}
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
          options={(types.data ?? []).map((c) => [c.code, `${c.name} (${c.code})`])}
          required
        />
        <Select
          label={t('等级', 'Level')}
          name="level"
          value={f.level}
          onInput={set('level')}
          options={(type?.levels ?? levelOptions).map((l) => [l, w(l)])}
        />
        <Field
          label={t('身份证号', '身份证号 (national id)')}
          name="nationalId"
          value={f.nationalId}
          onInput={set('nationalId')}
          required
          autoComplete="off"
          error={errors.nationalId}
        />
        <Field
          label={t('持证人姓名', 'Holder name')}
          name="holderName"
          value={f.holderName}
          onInput={set('holderName')}
          required
          hint={t('与身份证一致', 'As on the identity card')}
          error={errors.holderName}
        />
        <Field
          label={t('考核成绩', 'Score')}
          name="score"
          value={f.score}
          onInput={set('score')}
          error={errors.score}
        />
        <Field
          label={t('发证日期', 'Issued on')}
          name="issuedOn"
          type="date"
          value={f.issuedOn}
          onInput={set('issuedOn')}
          required
          error={errors.issuedOn}
        />
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

function Batch() {
  const [csv, setCsv] = useState('')
  const [done, setDone] = useState<{ created: number; existing: number } | null>(null)
  const [bad, setBad] = useState<{ line: number; messages: string[] }[]>([])
  return (
    <Section title={t('批量颁发', 'Issue a batch')}>
      <p>
        {t('每行一张证书，表头：', 'One certificate a row, header: ')}
        <code>typeCode,level,learnerId,holderName,score,issuedOn</code>
      </p>
      <Form
        label={t('批量颁发', 'Batch')}
        submit={t('批量颁发', 'Issue all')}
        onSubmit={async () => {
          setDone(null)
          setBad([])
          const [header, ...rows] = csv.trim().split(/\r?\n/)
          const cols = (header ?? '').split(',').map((c) => c.trim())
          const items = rows
            .filter((r) => r.trim())
            .map((r) => {
              const cells = r.split(',').map((c) => c.trim())
              const o: Record<string, string> = {}
              cols.forEach((c, i) => {
                if (cells[i]) o[c] = cells[i]!
              })
              return o
            })
          try {
            setDone(await api.post('/v1/certificates/batch', { items }, newKey()))
          } catch (err) {
            if (err instanceof ApiError && err.problem.errors?.length) {
              const m = new Map<number, string[]>()
              for (const e of err.problem.errors) {
                const i = /^\/?items\/(\d+)/.exec(e.path)
                const line = i ? Number(i[1]) + 2 : 0
                m.set(line, [
                  ...(m.get(line) ?? []),
                  `${e.path.replace(/^\/?items\/\d+\/?/, '')} ${e.message}`,
                ])
              }
              setBad([...m.entries()].map(([line, messages]) => ({ line, messages })))
            }
            throw err
          }
        }}
      >
        <TextArea
          label={t('CSV内容', 'CSV')}
          name="csv"
          value={csv}
          onInput={setCsv}
          rows={8}
          mono
          required
        />
      </Form>
      {done ? (
        <Notice>
          {t(
            `已颁发 ${done.created} 张，已存在 ${done.existing} 张。`,
            `${done.created} issued, ${done.existing} already there.`,
          )}
        </Notice>
      ) : null}
      {bad.length ? (
        <ul class="problem">
          {bad.map((b) => (
            <li key={b.line}>
              {t('第', 'Line ')}
              {b.line}
              {t('行：', ': ')}
              {b.messages.join('; ')}
            </li>
          ))}
        </ul>
      ) : null}
    </Section>
  )
}
