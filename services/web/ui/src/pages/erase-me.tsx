// Erase my personal information (decision 0730, PIPL Art. 47): what it does and does not do, a
// confirmation one accidental click cannot give (type the word), then each service's part in words.
import { useState } from 'preact/hooks'
import { api } from '../api'
import { t } from '../i18n'
import { ProblemBox, Section } from '../ui'
import { type Erasure, ErasureServices, useErasure } from './erasure-progress'

export function EraseMe({ learnerId }: { learnerId: string }) {
  const word = t('删除', 'ERASE')
  const [open, setOpen] = useState(false)
  const [typed, setTyped] = useState('')
  const [busy, setBusy] = useState(false)
  const [failed, setError] = useState<unknown>(null)
  // An erasure already made (another tab, an earlier visit) is shown as it stands.
  const { erasure, error: pollError, gaveUp, started } = useErasure(learnerId)
  const error = failed ?? pollError

  const erase = async () => {
    setError(null)
    setBusy(true)
    try {
      started(await api.post<Erasure>(`/v1/learners/${learnerId}/erasure`, {}))
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Section title={t('删除我的个人信息', 'Erase my personal information')} id="erase-me">
      {erasure ? (
        <>
          <p role="status">
            {erasure.complete
              ? t(
                  '您的个人信息已在所有服务中删除。',
                  'Your personal information is erased everywhere.',
                )
              : t('正在删除您的个人信息…', 'Erasing your personal information…')}
          </p>
          <ErasureServices erasure={erasure} />
          {gaveUp ? (
            <p class="hint">
              {t(
                '部分服务尚未完成，它们会继续处理；请稍后刷新本页查看。',
                'Some services have not finished yet; they keep working. Reload this page later to see.',
              )}
            </p>
          ) : null}
          <p>
            {t(
              '接下来：您的姓名和身份信息不再显示在任何页面上；您仍可用原账号登录，查看匿名保存的学分记录；已签发的证书和凭证仍然有效。此操作无法撤销。',
              'What happens next: your name and identity no longer show on any page; you can still sign in with the same account and see your credits, kept as an anonymous record; certificates and credentials already issued stay valid. This cannot be undone.',
            )}
          </p>
        </>
      ) : (
        <>
          <p>
            {t(
              '删除后，学分银行各服务中您的个人信息（姓名、身份证号、出生日期、学号、佐证材料、分享、消息、申请中的陈述等）将无法再被读取，包括备份中的加密副本。',
              'After erasure, your personal information in every service of the credit bank (name, national id, birth date, student number, evidence files, shares, messages, statements in applications) can no longer be read, including the sealed copies in backups.',
            )}
          </p>
          <ul>
            <li>
              {t(
                '您的账户会保留为匿名的学分记录：学分、余额和账本不变，您仍可用原账号登录查看。',
                'Your account stays as an anonymous record of credits: credits, balances and the ledger do not change, and you can still sign in with the same account to see them.',
              )}
            </li>
            <li>
              {t(
                '已签发的证书和凭证仍然有效。',
                'Certificates and credentials already issued stay valid.',
              )}
            </li>
            <li>
              <strong>{t('删除无法撤销。', 'Erasure cannot be undone.')}</strong>
            </li>
          </ul>
          <p class="hint">
            {t(
              '建议先用上方的“下载我的全部数据”保存一份副本。',
              'We suggest you first keep a copy with “Download all my data” above.',
            )}
          </p>
          {open ? (
            <div class="erase-confirm">
              <div class="field">
                <label for="confirm-erasure">
                  {t(`请输入“${word}”以确认`, `Type ${word} to confirm`)}
                </label>
                <input
                  id="confirm-erasure"
                  name="confirm-erasure"
                  value={typed}
                  autocomplete="off"
                  onInput={(e) => setTyped((e.target as HTMLInputElement).value)}
                />
              </div>
              <p class="actions">
                <button
                  type="button"
                  class="danger"
                  disabled={busy || typed.trim() !== word}
                  onClick={erase}
                >
                  {busy
                    ? t('正在删除…', 'Erasing…')
                    : t('永久删除我的个人信息', 'Erase my personal information for good')}
                </button>
                <button
                  type="button"
                  class="secondary"
                  onClick={() => {
                    setOpen(false)
                    setTyped('')
                  }}
                >
                  {t('取消', 'Cancel')}
                </button>
              </p>
            </div>
          ) : (
            <p class="actions">
              <button type="button" class="secondary" onClick={() => setOpen(true)}>
                {t('删除我的个人信息…', 'Erase my personal information…')}
              </button>
            </p>
          )}
        </>
      )}
      <ProblemBox error={error} />
    </Section>
  )
}
