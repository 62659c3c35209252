import { useState } from 'preact/hooks'
import { ApiError, api, auth, newKey, type Page } from '../api'
import { t, w } from '../i18n'
import {
  errorsByPath,
  Field,
  Form,
  Loading,
  Notice,
  Section,
  Select,
  TextArea,
  today,
  useLoad,
} from '../ui'
import { Tabs } from './learner'

const tabs: [string, string, string][] = [
  ['', '颁发证书', 'Issue'],
  ['batch', '批量颁发', 'Batch'],
  ['revoke', '撤销证书', 'Revoke'],
]

interface CertType {
  code: string
  name: string
  evaluationOrgId: string
  levels: string[]
  validityYears: number
  fees: Record<string, string>
}

interface Certificate {
  id: string
  number: string
  typeName: string
  level: string
  holderName: string
  status: string
  expiresOn: string
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
      {sub === '' ? <Issue /> : null}
      {sub === 'batch' ? <Batch /> : null}
      {sub === 'revoke' ? <Revoke /> : null}
    </div>
  )
}

function Issue() {
  const types = useMyTypes()
  const [f, setF] = useState({
    typeCode: '',
    level: 'junior',
    learnerId: '',
    holderName: '',
    score: '',
    issuedOn: today(),
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [done, setDone] = useState<Certificate | null>(null)
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
          try {
            setDone(
              await api.post<Certificate>(
                '/v1/certificates',
                {
                  typeCode,
                  level: f.level,
                  learnerId: f.learnerId.trim(),
                  holderName: f.holderName.trim(),
                  issuedOn: f.issuedOn,
                  ...(f.score.trim() ? { score: f.score.trim() } : {}),
                },
                newKey(),
              ),
            )
          } catch (err) {
            setErrors(errorsByPath(err))
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
          options={(type?.levels ?? ['junior', 'intermediate', 'senior']).map((l) => [l, w(l)])}
        />
        <Field
          label={t('学习者编号', 'Learner id')}
          name="learnerId"
          value={f.learnerId}
          onInput={set('learnerId')}
          required
          error={errors.learnerId}
        />
        <Field
          label={t('持证人姓名', 'Holder name')}
          name="holderName"
          value={f.holderName}
          onInput={set('holderName')}
          required
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

function Revoke() {
  const [id, setId] = useState('')
  const [reason, setReason] = useState('')
  const [done, setDone] = useState<Certificate | null>(null)
  return (
    <Section title={t('撤销证书', 'Revoke a certificate')}>
      <p>
        {t(
          '撤销后公开查验显示“已撤销”，学习者账户与可验证凭证的状态列表同步更新。',
          'After revocation, public checks say revoked and credential status lists follow.',
        )}
      </p>
      <Form
        label={t('撤销证书', 'Revoke')}
        submit={t('撤销', 'Revoke')}
        onSubmit={async () => {
          setDone(
            await api.post<Certificate>(
              `/v1/certificates/${id.trim()}/revocation`,
              { reason: reason.trim() },
              newKey(),
            ),
          )
        }}
      >
        <Field
          label={t('证书ID', 'Certificate id')}
          name="certificateId"
          value={id}
          onInput={setId}
          required
        />
        <Field
          label={t('撤销原因', 'Reason')}
          name="reason"
          value={reason}
          onInput={setReason}
          required
        />
      </Form>
      {done ? (
        <Notice>{t(`证书 ${done.number} 已撤销。`, `Certificate ${done.number} revoked.`)}</Notice>
      ) : null}
    </Section>
  )
}
