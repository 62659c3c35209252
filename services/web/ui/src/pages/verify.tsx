import { useId, useState } from 'preact/hooks'
import { ApiError, api } from '../api'
import { t, w } from '../i18n'
import { Field, Form, fmtDate, Loading, ProblemBox, useLoad } from '../ui'

interface Verification {
  status: string
  typeCode?: string
  level?: string
  issuedOn?: string
  issuer?: string
}

export function VerifyCertificate() {
  const [number, setNumber] = useState('')
  const [holderName, setHolderName] = useState('')
  const [result, setResult] = useState<Verification | null>(null)
  return (
    <section class="card narrow">
      <h1>{t('1+X证书查验', 'Verify a 1+X certificate')}</h1>
      <p>
        {t(
          '输入证书编号和持证人姓名。结果只显示证书状态，不显示其他个人信息。',
          'Enter the certificate number and the holder’s name. Only the status is shown.',
        )}
      </p>
      <Form
        label={t('证书查验', 'Certificate verification')}
        submit={t('查验', 'Verify')}
        onSubmit={async () => {
          setResult(null)
          setResult(
            await api.anon<Verification>('POST', '/v1/certificates/verify', {
              number: number.trim(),
              holderName: holderName.trim(),
            }),
          )
        }}
      >
        <Field
          label={t('证书编号', 'Certificate number')}
          name="number"
          value={number}
          onInput={setNumber}
          required
        />
        <Field
          label={t('持证人姓名', 'Holder name')}
          name="holderName"
          value={holderName}
          onInput={setHolderName}
          required
        />
      </Form>
      {result ? (
        <div
          class={`result ${result.status === 'valid' ? 'ok' : 'bad'}`}
          role="status"
          aria-live="polite"
        >
          <p class="big">{w(result.status)}</p>
          {result.typeCode ? (
            <dl>
              <dt>{t('证书', 'Certificate')}</dt>
              <dd>{result.typeCode}</dd>
              <dt>{t('等级', 'Level')}</dt>
              <dd>{w(result.level)}</dd>
              <dt>{t('发证日期', 'Issued on')}</dt>
              <dd>{result.issuedOn}</dd>
              <dt>{t('发证机构', 'Issuer')}</dt>
              <dd>{result.issuer}</dd>
            </dl>
          ) : null}
        </div>
      ) : null}
    </section>
  )
}

interface Report {
  verified: boolean
  checks?: string[]
  warnings?: string[]
  errors?: string[]
  problemDetails?: { check: string; title: string; detail: string }[]
}

/** VC API verification of a credential or presentation; a failed check answers 400 with the report. */
export async function verifyDocument(doc: Record<string, unknown>): Promise<Report> {
  const types = ([] as unknown[]).concat(doc.type ?? [])
  const presentation = types.includes('VerifiablePresentation')
  try {
    return await api.anon<Report>(
      'POST',
      presentation ? '/presentations/verify' : '/credentials/verify',
      presentation ? { verifiablePresentation: doc } : { verifiableCredential: doc },
    )
  } catch (err) {
    if (err instanceof ApiError && typeof (err.problem as unknown as Report).verified === 'boolean')
      return err.problem as unknown as Report
    throw err
  }
}

export function ReportView({ report }: { report: Report }) {
  return (
    <div class={`result ${report.verified ? 'ok' : 'bad'}`} role="status" aria-live="polite">
      <p class="big">
        {report.verified ? t('验证通过', 'Verified') : t('验证未通过', 'Not verified')}
      </p>
      {report.checks?.length ? (
        <p>
          {t('已检查：', 'Checked: ')}
          {report.checks.join(', ')}
        </p>
      ) : null}
      {report.problemDetails?.length ? (
        <ul>
          {report.problemDetails.map((p) => (
            <li key={p.check + p.title}>
              <strong>{p.title}</strong> {p.detail}
            </li>
          ))}
        </ul>
      ) : null}
      {report.warnings?.length ? <p>{report.warnings.join('; ')}</p> : null}
    </div>
  )
}

export function VerifyCredential() {
  const fileId = useId()
  const [text, setText] = useState('')
  const [report, setReport] = useState<Report | null>(null)
  const [error, setError] = useState<unknown>(null)
  const run = async (source: string) => {
    setReport(null)
    setError(null)
    try {
      setReport(await verifyDocument(JSON.parse(source)))
    } catch (err) {
      setError(
        err instanceof SyntaxError
          ? new Error(t('文件不是有效的JSON', 'The file is not valid JSON'))
          : err,
      )
    }
  }
  return (
    <section class="card narrow">
      <h1>{t('验证可验证凭证', 'Verify a verifiable credential')}</h1>
      <p>
        {t(
          '选择下载的凭证文件（JSON，W3C VC 2.0 / Open Badges 3.0 / CLR 2.0），或粘贴其内容。',
          'Choose a downloaded credential file (JSON) or paste it.',
        )}
      </p>
      <div class="field">
        <label for={fileId}>{t('凭证文件', 'Credential file')}</label>
        <input
          id={fileId}
          name="credentialFile"
          type="file"
          accept=".json,application/json,application/ld+json"
          onChange={async (e) => {
            const file = (e.target as HTMLInputElement).files?.[0]
            if (!file) return
            const content = await file.text()
            setText(content)
            await run(content)
          }}
        />
      </div>
      <div class="field">
        <label for={`${fileId}-text`}>{t('或粘贴JSON', 'Or paste the JSON')}</label>
        <textarea
          id={`${fileId}-text`}
          name="credentialJson"
          rows={6}
          class="mono"
          value={text}
          onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        />
      </div>
      <button type="button" onClick={() => run(text)} disabled={!text.trim()}>
        {t('验证', 'Verify')}
      </button>
      <ProblemBox error={error} />
      {report ? <ReportView report={report} /> : null}
    </section>
  )
}

interface SharedView {
  share: { label: string | null; expiresAt: string }
  learner: { accountNo: string | null }
  items: {
    id: string
    category: string
    title: string
    at: string
    status: string
    orgName: string | null
    data: Record<string, unknown>
  }[]
  presentation: Record<string, unknown>
}

export function SharedRecord({ token }: { token: string }) {
  const state = useLoad(
    () => api.anon<SharedView>('GET', `/v1/shared/${encodeURIComponent(token)}`),
    [token],
  )
  const [report, setReport] = useState<Report | null>(null)
  const v = state.data
  return (
    <section class="card">
      <h1>{t('学习者分享的学习档案', 'A shared learning record')}</h1>
      <Loading state={state} />
      {v ? (
        <>
          <p>
            {v.share.label ? <strong>{v.share.label}</strong> : null} {t('学习账号', 'Account')}{' '}
            {v.learner.accountNo} · {t('有效期至', 'valid until')} {fmtDate(v.share.expiresAt)}
          </p>
          <table>
            <caption>{t('分享的记录', 'Shared entries')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('日期', 'Date')}</th>
                <th scope="col">{t('类别', 'Kind')}</th>
                <th scope="col">{t('内容', 'Title')}</th>
                <th scope="col">{t('机构', 'Organization')}</th>
                <th scope="col">{t('状态', 'Status')}</th>
              </tr>
            </thead>
            <tbody>
              {v.items.map((i) => (
                <tr key={i.id}>
                  <td>{fmtDate(i.at)}</td>
                  <td>{w(i.category)}</td>
                  <td>{i.title}</td>
                  <td>{i.orgName}</td>
                  <td>{i.status === 'active' ? t('有效', 'active') : w(i.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            type="button"
            onClick={async () => setReport(await verifyDocument(v.presentation))}
          >
            {t('验证签名与状态', 'Verify signatures and status')}
          </button>
          {report ? <ReportView report={report} /> : null}
        </>
      ) : null}
    </section>
  )
}
