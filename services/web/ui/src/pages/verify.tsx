import { useId, useState } from 'preact/hooks'
import { ApiError, api } from '../api'
import { t, w } from '../i18n'
import { CardTable, Field, Form, fmtDate, Loading, ProblemBox, useLoad } from '../ui'

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

const checkWords: Record<string, [string, string, string]> = {
  // check: [zh name, en name, zh failure]
  schema: ['格式', 'format', '凭证格式不符合标准'],
  signature: ['签名', 'signature', '签名无效：内容被改动过，或不是声称的机构签发'],
  expiry: ['有效期', 'validity dates', '不在有效期内'],
  status: ['状态', 'status', '已被签发机构撤销'],
}
const checkName = (c: string) => {
  const words = checkWords[c]
  return words ? t(words[0], words[1]) : c
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
          {report.checks.map(checkName).join(t('、', ', '))}
        </p>
      ) : null}
      {report.problemDetails?.length ? (
        <ul>
          {report.problemDetails.map((p) => (
            <li key={p.check + p.title}>
              {/* The service's detail is English: Chinese pages say what failed in their words. */}
              {t(
                checkWords[p.check]?.[2] ?? `${checkName(p.check)}检查未通过`,
                `${p.title}: ${p.detail}`,
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {report.warnings?.length ? (
        <p>{t(`${report.warnings.length} 条提示`, report.warnings.join('; '))}</p>
      ) : null}
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

interface LineVerification {
  status: 'valid' | 'expired' | 'revoked'
  issuer: string | null
  holder: string | null
  occurredOn: string
  validUntil: string | null
}

interface SharedView {
  share: { label: string | null; expiresAt: string }
  learner: { accountNo: string | null; name: string | null }
  items: {
    id: string
    category: string
    title: string
    at: string
    occurredOn?: string
    status: string
    orgName: string | null
    data: Record<string, unknown>
    verification?: LineVerification | null
  }[]
  presentation: Record<string, unknown>
}

const statusWords: Record<string, [string, string]> = {
  valid: ['有效', 'valid'],
  expired: ['已过期', 'expired'],
  revoked: ['已撤销', 'revoked'],
  reversed: ['已冲正', 'reversed'],
  active: ['有效', 'valid'],
}
const statusText = (s: string) => {
  const pair = statusWords[s]
  return pair ? t(pair[0], pair[1]) : w(s)
}

/** Who issued what to whom, and whether it holds: one shared line's verification in words. */
function verificationText(title: string, v: LineVerification) {
  const who = v.issuer ?? t('发放机构', 'the issuer')
  const whom = v.holder ?? t('持有人', 'the holder')
  const until = v.validUntil ? t(`，有效期至 ${v.validUntil}`, `, valid until ${v.validUntil}`) : ''
  return t(
    `${who} 于 ${v.occurredOn} 向 ${whom} 颁发“${title}”${until}：${statusText(v.status)}`,
    `${who} issued “${title}” to ${whom} on ${v.occurredOn}${until}: ${statusText(v.status)}`,
  )
}

const kindOf = (i: SharedView['items'][number]) =>
  i.category === 'outcome' && typeof i.data.kind === 'string' ? i.data.kind : i.category

export function SharedRecord({ token }: { token: string }) {
  const state = useLoad(
    () => api.anon<SharedView>('GET', `/v1/shared/${encodeURIComponent(token)}`),
    [token],
  )
  const [report, setReport] = useState<Report | null>(null)
  const [error, setError] = useState<unknown>(null)
  const v = state.data
  // A certificate's ledger copy carries no verification: its certificate line says it.
  const items = v?.items.filter((i) => i.verification !== null) ?? []
  const verified = items.filter((i) => i.verification)
  const bad = verified.filter((i) => i.verification!.status !== 'valid').length
  const L = {
    date: t('日期', 'Date'),
    kind: t('类别', 'Kind'),
    title: t('内容', 'Title'),
    issuer: t('发放机构', 'Issuer'),
    status: t('状态', 'Status'),
  }
  return (
    <section class="card">
      <h1>
        {v?.learner.name
          ? t(`${v.learner.name} 分享的学习档案`, `${v.learner.name}’s shared learning record`)
          : t('学习者分享的学习档案', 'A shared learning record')}
      </h1>
      <Loading state={state} />
      {v ? (
        <>
          <dl>
            {v.learner.name ? (
              <>
                <dt>{t('姓名', 'Name')}</dt>
                <dd data-testid="shared-name">{v.learner.name}</dd>
              </>
            ) : null}
            <dt>{t('学习账号', 'Account')}</dt>
            <dd class="mono">{v.learner.accountNo}</dd>
            {v.share.label ? (
              <>
                <dt>{t('用途', 'Purpose')}</dt>
                <dd>{v.share.label}</dd>
              </>
            ) : null}
            <dt>{t('链接有效期至', 'Link valid until')}</dt>
            <dd>{fmtDate(v.share.expiresAt)}</dd>
          </dl>
          <CardTable
            caption={t('分享的记录', 'Shared entries')}
            showCaption
            rows={items}
            rowKey={(i) => i.id}
            columns={[
              { label: L.date, cell: (i) => i.occurredOn ?? fmtDate(i.at) },
              { label: L.kind, cell: (i) => w(kindOf(i)) },
              { label: L.title, cell: (i) => i.title },
              { label: L.issuer, cell: (i) => i.verification?.issuer ?? i.orgName },
              {
                label: L.status,
                class: (i) => {
                  const status = i.verification?.status ?? i.status
                  return status === 'valid' || status === 'active' ? 'ok' : 'warn'
                },
                cell: (i) => statusText(i.verification?.status ?? i.status),
              },
            ]}
          />
          <section aria-labelledby="verdicts-h">
            <h2 id="verdicts-h">{t('核验结果', 'Verification')}</h2>
            <p>
              {bad
                ? t(
                    `${bad} 条记录今日已失效（已撤销或已过期），其余有效。`,
                    `${bad} of the entries no longer hold today (revoked or expired); the rest are valid.`,
                  )
                : t('所有记录今日有效。', 'Every entry holds today.')}
            </p>
            <ul class="verdicts">
              {verified.map((i) => (
                <li key={i.id} class={i.verification!.status === 'valid' ? 'ok' : 'bad'}>
                  {verificationText(i.title, i.verification!)}
                </li>
              ))}
            </ul>
          </section>
          <p class="actions">
            <a class="button secondary" href={`/v1/shared/${token}/record.pdf`} download>
              {t('下载学习成果证明（PDF）', 'Download the printable record (PDF)')}
            </a>
            <button
              type="button"
              onClick={async () => {
                setError(null)
                try {
                  setReport(await verifyDocument(v.presentation))
                } catch (err) {
                  setError(err)
                }
              }}
            >
              {t('验证签名与状态', 'Verify signatures and status')}
            </button>
          </p>
          <ProblemBox error={error} />
          {report ? (
            <div class={`result ${report.verified ? 'ok' : 'bad'}`} role="status">
              <p class="big">
                {report.verified
                  ? t('签名验证通过', 'The signatures verify')
                  : t('签名验证未通过', 'The signatures do not verify')}
              </p>
              {report.problemDetails?.length ? (
                <ul>
                  {report.problemDetails.map((p) => (
                    <li key={p.check + p.title}>
                      {t(
                        checkWords[p.check]?.[2] ?? `${checkName(p.check)}检查未通过`,
                        `${p.title}: ${p.detail}`,
                      )}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  )
}

// -- the printed record (学习成果证明), checked by its digest -----------------------------------------

interface RecordAnswer {
  digest: string
  code: string
  canonical: string
  printedAt: string
  valid: boolean
  record: {
    title: string
    learner: { name: string | null; accountNo: string | null }
    scope: string
    asOf: string
    items: {
      ref: string
      kind: string
      title: string
      issuer: string | null
      occurredOn: string
      credits: string | null
      hours: string | null
      level: string | null
      number: string | null
      validUntil: string | null
      status: 'valid' | 'expired' | 'revoked'
    }[]
  }
}

async function sha256Hex(text: string) {
  const bytes = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** `#/record/<digest or code>`: what a printed record said, re-hashed here, and what holds today. */
export function RecordCheck({ code }: { code: string }) {
  const [input, setInput] = useState(code)
  const state = useLoad(async () => {
    if (!code) return null
    const r = await api.anon<RecordAnswer>('GET', `/v1/records/${encodeURIComponent(code)}`)
    // What is shown is what was printed: the canonical text must hash to the digest asked for.
    const hash = globalThis.crypto?.subtle ? await sha256Hex(r.canonical) : null
    // null: this browser cannot hash (not a secure context); said as such, not as a mismatch.
    const matches =
      hash === null
        ? null
        : hash === r.digest && r.digest.startsWith(code.toLowerCase().slice(0, 16))
    return { r, hash, matches }
  }, [code])
  const d = state.data
  const L = {
    date: t('日期', 'Date'),
    title: t('内容', 'Title'),
    issuer: t('发放机构', 'Issuer'),
    amount: t('学分/学时', 'Credits/hours'),
    status: t('今日状态', 'Status today'),
  }
  return (
    <section class="card">
      <h1>{t('学习成果证明查验', 'Check a printed learning record')}</h1>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault()
          const v = input.trim().replace(/\s+/g, '')
          if (v) location.hash = `#/record/${v}`
        }}
      >
        <Field
          label={t(
            '校验码（证明上的16位码或完整摘要）',
            'Verification code (16 characters, or the full digest)',
          )}
          name="code"
          value={input}
          onInput={setInput}
          required
          pattern="[0-9a-fA-F]{16}([0-9a-fA-F]{48})?"
        />
        <button type="submit">{t('查验', 'Check')}</button>
      </form>
      <Loading state={state} />
      {d ? (
        <>
          <div
            class={`result ${d.matches && d.r.valid ? 'ok' : 'bad'}`}
            role="status"
            aria-live="polite"
          >
            <p class="big" data-testid="record-verdict">
              {d.matches === null
                ? t(
                    '此浏览器无法核对摘要；以下是登记的证明内容',
                    'This browser cannot check the digest; below is the record as registered',
                  )
                : !d.matches
                  ? t('内容与校验码不符', 'The content does not match the code')
                  : d.r.valid
                    ? t(
                        '证明真实，所列记录今日仍然有效',
                        'Genuine, and every line still holds today',
                      )
                    : t(
                        '证明真实，但部分记录今日已失效',
                        'Genuine, but some lines no longer hold today',
                      )}
            </p>
            <p>
              {t(
                `${d.r.record.learner.name ?? ''}（学习账号 ${d.r.record.learner.accountNo ?? ''}）的学习成果证明，截至 ${d.r.record.asOf}，打印于 ${fmtDate(d.r.printedAt)}。`,
                `The learning record of ${d.r.record.learner.name ?? ''} (account ${d.r.record.learner.accountNo ?? ''}) as of ${d.r.record.asOf}, printed ${fmtDate(d.r.printedAt)}.`,
              )}
            </p>
            <p class="small mono">
              {t('摘要', 'Digest')} {d.r.digest}
            </p>
          </div>
          <CardTable
            caption={t('证明所列记录', 'The lines of the record')}
            showCaption
            rows={d.r.record.items}
            rowKey={(i) => i.ref}
            columns={[
              { label: L.date, cell: (i) => i.occurredOn },
              {
                label: L.title,
                cell: (i) => (
                  <>
                    {i.title}
                    {i.number ? <small class="hint"> {i.number}</small> : null}
                  </>
                ),
              },
              { label: L.issuer, cell: (i) => i.issuer },
              {
                label: L.amount,
                cell: (i) =>
                  [
                    i.credits ? t(`${i.credits} 学分`, `${i.credits} credits`) : '',
                    i.hours ? t(`${i.hours} 学时`, `${i.hours} hours`) : '',
                    i.level ? w(i.level) : '',
                  ]
                    .filter(Boolean)
                    .join(' · '),
              },
              {
                label: L.status,
                class: (i) => (i.status === 'valid' ? 'ok' : 'warn'),
                cell: (i) => statusText(i.status),
              },
            ]}
          />
        </>
      ) : null}
    </section>
  )
}
