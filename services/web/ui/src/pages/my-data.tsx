// A copy of all my data (decision 0721): one zip of everything every service holds about the
// learner, offered on the account page and beside "who looked".
import { useState } from 'preact/hooks'
import { download } from '../api'
import { t } from '../i18n'
import { ProblemBox, Section, today } from '../ui'

export function MyData({ learnerId }: { learnerId: string }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [done, setDone] = useState(false)
  const start = async () => {
    setError(null)
    setDone(false)
    setBusy(true)
    try {
      await download(`/v1/learners/${learnerId}/export`, `creditbank-my-data-${today()}.zip`)
      setDone(true)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Section title={t('我的全部数据', 'All my data')} id="my-data">
      <p>
        {t(
          '一个压缩包（ZIP），包含学分银行各服务保存的关于您的全部数据：登录账号、账户与账单、在读记录、证书、认定申请及审核轨迹、时间轴、佐证材料文件、分享及访问记录、已签发的凭证、消息、谁查看了我的信息、姓名和身份证号的更正记录，以及 CLR 凭证和学习成果证明（PDF），附中英文说明。',
          'One ZIP file with everything the credit bank holds about you: your sign-in account, account and statement, enrollments, certificates, applications with their review trails, timeline, evidence files, shares and who opened them, credentials issued, messages, who looked at your information, corrections of your name and national id, plus the CLR credential and the printable record (PDF), with a README in Chinese and English.',
        )}
      </p>
      <p class="actions">
        <button type="button" disabled={busy} onClick={start} data-testid="download-my-data">
          {busy ? t('正在打包…', 'Preparing…') : t('下载我的全部数据', 'Download all my data')}
        </button>
      </p>
      {done ? (
        <p class="hint" role="status">
          {t('已下载。', 'Downloaded.')}
        </p>
      ) : null}
      <ProblemBox error={error} />
    </Section>
  )
}
