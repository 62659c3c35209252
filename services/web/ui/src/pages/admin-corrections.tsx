// Corrections for the platform's admins (decision 0730, PIPL Art. 46): a learner who says their
// name or 身份证号 was corrected wrongly, or that it is still wrong, is found by what they have — the
// 身份证号 and current name, or their account number (a wrong correction may have changed the name
// they would give) — and the admin sees every correction with the values before and corrects it.
// Reading the values before is a read of personal data: it goes in the learner's "who looked".
import { useState } from 'preact/hooks'
import { api } from '../api'
import { t } from '../i18n'
import { NationalIdAndName } from '../staff-ui'
import { binder, Field, Form, Section } from '../ui'
import { CorrectIdentity } from './correction'
import { CorrectionList } from './my-corrections'
import type { Found } from './registrar'

interface Learner {
  id: string
  accountNo: string
  name: string | null
  nationalIdMasked: string | null
  birthDate: string | null
  category: string
  erased: boolean
}

type Way = 'nationalId' | 'accountNo'

export function AdminCorrections() {
  const [way, setWay] = useState<Way>('nationalId')
  const [f, setF] = useState({ nationalId: '', name: '', accountNo: '' })
  const [found, setFound] = useState<Learner | null>(null)
  const bind = binder(f, setF)
  const [none, setNone] = useState(false)
  const find = async () => {
    setFound(null)
    setNone(false)
    const { items } = await api.post<{ items: Learner[] }>(
      '/v1/learners/find',
      way === 'nationalId'
        ? { nationalId: f.nationalId.trim().toUpperCase(), name: f.name.trim() }
        : { accountNo: f.accountNo.trim().toUpperCase() },
    )
    setFound(items[0] ?? null)
    setNone(items.length === 0)
  }
  return (
    <Section
      title={t('姓名和身份证号的更正', 'Corrections of names and national ids')}
      id="corrections"
    >
      <p class="hint">
        {t(
          '学习者的姓名或身份证号一般由为其开户的机构更正。学习者认为更正有误、或开户机构无法处理时，平台管理员在核实身份后查看全部更正记录（含更正前的值）并予以更正；查看会记入该学习者的“谁查看了我的信息”。',
          'A learner’s name or national id is normally corrected by the organization that opened their account. When the learner says a correction was wrong, or that organization cannot act, a platform administrator, having checked who they are, sees every correction with the values before and corrects it; that read is shown in the learner’s “who looked”.',
        )}
      </p>
      <Form onSubmit={find} submit={t('查找', 'Find')} label={t('查找学习者', 'Find the learner')}>
        <fieldset>
          <legend>{t('查找方式', 'Find by')}</legend>
          {(
            [
              ['nationalId', t('身份证号 + 姓名', '身份证号 + name')],
              ['accountNo', t('学习账号', 'Account no.')],
            ] as const
          ).map(([v, label]) => (
            <label class="radio" key={v}>
              <input
                type="radio"
                name="correction-way"
                value={v}
                checked={way === v}
                onChange={() => setWay(v)}
              />
              {label}
            </label>
          ))}
        </fieldset>
        <div class="filter-grid">
          {way === 'nationalId' ? (
            <NationalIdAndName bind={bind} />
          ) : (
            <Field
              label={t('学习账号', 'Account number')}
              {...bind('accountNo')}
              required
              autoComplete="off"
              placeholder="CB2026…"
            />
          )}
        </div>
      </Form>
      {none ? <p role="status">{t('未找到这位学习者。', 'No learner found.')}</p> : null}
      {found ? <CorrectionDesk key={found.id} learner={found} /> : null}
    </Section>
  )
}

function CorrectionDesk(props: { learner: Learner }) {
  const [learner, setLearner] = useState(props.learner)
  const [version, setVersion] = useState(0)
  // The correction form takes a learner as a registrar finds one.
  const asFound: Found | null =
    learner.name !== null && learner.nationalIdMasked !== null
      ? {
          id: learner.id,
          accountNo: learner.accountNo,
          name: learner.name,
          nationalIdMasked: learner.nationalIdMasked,
          birthDate: learner.birthDate ?? '',
          category: learner.category,
          studentNo: null,
          knownHere: true,
        }
      : null
  return (
    <div class="card" data-testid="correction-learner">
      <dl class="facts">
        <dt>{t('姓名', 'Name')}</dt>
        <dd data-testid="correction-learner-name">{learner.name ?? t('（已删除）', '(erased)')}</dd>
        <dt>{t('学习账号', 'Account no.')}</dt>
        <dd class="mono">{learner.accountNo}</dd>
        <dt>{t('身份证号', 'National id')}</dt>
        <dd class="mono">{learner.nationalIdMasked ?? '—'}</dd>
      </dl>
      <h3>{t('更正记录', 'Corrections')}</h3>
      <CorrectionList
        learnerId={learner.id}
        version={version}
        none={t('这位学习者的姓名和身份证号没有被更正过。', 'Never corrected.')}
      />
      {asFound ? (
        <CorrectIdentity
          learner={asFound}
          onCorrected={(l) => {
            setLearner({ ...learner, name: l.name, nationalIdMasked: l.nationalIdMasked })
            setVersion((n) => n + 1)
          }}
        />
      ) : (
        <p class="hint">
          {t(
            '这位学习者的个人信息已应其要求删除，无法更正。',
            'This learner’s personal information has been erased at their request; it cannot be corrected.',
          )}
        </p>
      )}
    </div>
  )
}
