import { useState } from 'preact/hooks'
import { ApiError, api } from '../api'
import { t } from '../i18n'
import { Confirm } from '../staff-ui'
import { Field, fieldText, ProblemBox, TextArea } from '../ui'
import type { Found } from './registrar'

/** What the service answers for a correction: the learner as they now are. */
interface Corrected {
  name: string
  nationalIdMasked: string
  birthDate: string
}

/**
 * Each refusal of POST /v1/learners/{id}/corrections in words a registrar acts on, both languages
 * written here: the services' own titles are worded for other requests (IDENTITY_CONFLICT says
 * "registered under another name", which is the opening's case, not a correction's).
 */
const refusals: Record<string, () => string> = {
  ACCOUNTS_CORRECTION_FORBIDDEN: () =>
    t(
      '只有为这位学习者开立学习账户的机构可以更正其姓名或身份证号，本机构不能更正。请联系开户机构。',
      'Only the organization that opened this learner’s account can correct their name or national id; yours cannot. Ask the organization that opened it.',
    ),
  ACCOUNTS_IDENTITY_CONFLICT: () =>
    t(
      '这个身份证号已属于另一位学习者，未作任何更正。请核对号码；如两个账户确属同一人，请联系平台管理员。',
      'This national id number already belongs to another learner; nothing was changed. Check the number; if both accounts are the same person, contact the platform administrator.',
    ),
  ACCOUNTS_CORRECTION_EMPTY: () =>
    t(
      '没有需要更正的内容：新的姓名和身份证号与现有的相同。',
      'Nothing to correct: the new name and national id are the same as the current ones.',
    ),
  ACCOUNTS_LEARNER_ERASED: () =>
    t(
      '这位学习者的个人信息已应其要求删除，无法更正。',
      'This learner’s personal information has been erased at their request; it cannot be corrected.',
    ),
  ACCOUNTS_LEARNER_NOT_FOUND: () =>
    t('没有找到这位学习者，请重新查找。', 'This learner was not found; find them again.'),
  ACCOUNTS_NATIONAL_ID_INVALID: () =>
    t('新的身份证号无效，请核对。', 'The new national id number is not valid; check it.'),
}

const norm = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ')

type Fields = { name: string; nationalId: string; reason: string }

/**
 * On a found learner's card: the registrar of the school that opened the account corrects a
 * misspelt name or a wrong 身份证号 (decision 0730, "Correction"). A form, then a confirmation
 * showing old → new; on success the card shows the new name (through `onCorrected`).
 */
export function CorrectIdentity(props: { learner: Found; onCorrected: (l: Found) => void }) {
  const { learner } = props
  const [open, setOpen] = useState(false)
  const [f, setF] = useState<Fields>({ name: learner.name, nationalId: '', reason: '' })
  const [errors, setErrors] = useState<Partial<Fields>>({})
  const [problem, setProblem] = useState<unknown>(null)
  const [confirming, setConfirming] = useState(false)
  const [done, setDone] = useState<{ from: string; to: string; id: boolean } | null>(null)
  const set = (k: keyof Fields) => (v: string) => setF({ ...f, [k]: v })
  const next = { name: norm(f.name), nationalId: f.nationalId.trim().toUpperCase() }
  const nameChanged = next.name !== learner.name

  /** The checks the page can make before asking: the rest is the service's to say. */
  const review = (e: Event) => {
    e.preventDefault()
    setProblem(null)
    setDone(null)
    const found: Partial<Fields> = {}
    if (!next.name) found.name = t('请填写姓名', 'Give the name')
    else if (next.name.length > 100) found.name = t('最多 100 个字符', 'At most 100 characters')
    if (next.nationalId && next.nationalId.length !== 18)
      found.nationalId = t('身份证号为 18 位', 'A national id number has 18 characters')
    if (!f.reason.trim())
      found.reason = t('请说明更正的原因和依据', 'Say why, and on what evidence')
    else if (f.reason.trim().length > 500)
      found.reason = t('最多 500 个字符', 'At most 500 characters')
    setErrors(found)
    if (Object.keys(found).length > 0) return
    if (!nameChanged && !next.nationalId) {
      setProblem(new ApiError({ status: 422, code: 'ACCOUNTS_CORRECTION_EMPTY' }))
      return
    }
    setConfirming(true)
  }

  const send = async () => {
    try {
      const l = await api.post<Corrected>(`/v1/learners/${learner.id}/corrections`, {
        ...(nameChanged ? { name: next.name } : {}),
        ...(next.nationalId ? { nationalId: next.nationalId } : {}),
        reason: f.reason.trim(),
      })
      setDone({ from: learner.name, to: l.name, id: next.nationalId !== '' })
      setOpen(false)
      props.onCorrected({
        ...learner,
        name: l.name,
        nationalIdMasked: l.nationalIdMasked,
        birthDate: l.birthDate,
        // What was found by is now the corrected identity: a first posting proves it with these.
        ...(learner.proof
          ? { proof: { name: l.name, nationalId: next.nationalId || learner.proof.nationalId } }
          : {}),
      })
    } catch (err) {
      // Refused: the dialog closes and the form says why, each field's problem beside it.
      const named: Partial<Fields> = {}
      if (err instanceof ApiError) {
        for (const e of err.problem.errors ?? []) {
          const k = e.path.replace(/^\//, '') as keyof Fields
          if (k in f) named[k] = fieldText(e.message)
        }
        if (err.problem.code === 'ACCOUNTS_IDENTITY_CONFLICT')
          named.nationalId = t('已属于另一位学习者', 'already another learner’s')
      }
      setErrors(named)
      setProblem(err)
    }
  }

  if (!open)
    return (
      <div class="correction">
        <button
          type="button"
          class="secondary"
          onClick={() => {
            setF({ name: learner.name, nationalId: '', reason: '' })
            setErrors({})
            setProblem(null)
            setDone(null)
            setOpen(true)
          }}
        >
          {t('更正姓名或身份证号', 'Correct name or national id')}
        </button>
        {done ? (
          <p class="notice" role="status" data-testid="corrected">
            {[
              done.from !== done.to
                ? t(
                    `姓名已由“${done.from}”更正为“${done.to}”。`,
                    `Name corrected from “${done.from}” to “${done.to}”.`,
                  )
                : '',
              done.id ? t('身份证号已更正。', 'National id corrected.') : '',
              t(
                '原来的姓名和身份证号已加密封存，仅供核查，不再显示或用于查找；已通知学习者的其他服务更新。',
                'The old values are kept sealed, for audit only, and no longer shown or used to find the learner; the learner’s other services were told.',
              ),
            ]
              .filter(Boolean)
              .join(t('', ' '))}
          </p>
        ) : null}
      </div>
    )

  return (
    <>
      <form
        class="correction card"
        aria-label={t('更正姓名或身份证号', 'Correct name or national id')}
        onSubmit={review}
        noValidate
      >
        <h4>{t('更正姓名或身份证号', 'Correct name or national id')}</h4>
        <p class="hint">
          {t(
            '只有开户机构可以更正。请依据学习者的身份证件更正；原来的值加密封存，仅供核查。',
            'Only the organization that opened the account can correct it. Correct from the learner’s identity document; the old values are kept sealed, for audit only.',
          )}
        </p>
        <Field
          label={t('姓名', 'Name')}
          name="name"
          value={f.name}
          onInput={set('name')}
          required
          error={errors.name}
        />
        <Field
          label={t('新的身份证号', 'New national id number')}
          name="nationalId"
          value={f.nationalId}
          onInput={set('nationalId')}
          autoComplete="off"
          hint={t(
            `现为 ${learner.nationalIdMasked}；不更正请留空`,
            `now ${learner.nationalIdMasked}; leave empty to keep it`,
          )}
          error={errors.nationalId}
        />
        <TextArea
          label={t('更正原因和依据', 'Reason and evidence')}
          name="reason"
          value={f.reason}
          onInput={set('reason')}
          rows={2}
          required
          hint={t(
            '例如：学习者出示身份证，原录入有误（最多 500 字）',
            'e.g. the learner showed their identity card; it was typed wrong (at most 500 characters)',
          )}
          error={errors.reason}
        />
        {problem instanceof ApiError && problem.problem.code && refusals[problem.problem.code] ? (
          <div class="problem" role="alert" data-testid="correction-problem">
            <p>{refusals[problem.problem.code]!()}</p>
            <small class="code">
              {t('错误代码', 'Error code')} {problem.problem.code}
            </small>
          </div>
        ) : (
          <ProblemBox error={problem} />
        )}
        <div class="actions">
          <button type="submit">{t('核对更正…', 'Review the correction…')}</button>
          <button type="button" class="secondary" onClick={() => setOpen(false)}>
            {t('取消', 'Cancel')}
          </button>
        </div>
      </form>
      {confirming ? (
        <Confirm
          title={t('确认更正？', 'Make this correction?')}
          confirm={t('确认更正', 'Correct it')}
          danger={false}
          onConfirm={send}
          onClose={() => setConfirming(false)}
        >
          <dl data-testid="confirm-correction">
            <dt>{t('姓名', 'Name')}</dt>
            <dd>
              {nameChanged ? (
                <>
                  {learner.name} → <strong>{next.name}</strong>
                </>
              ) : (
                t(`${learner.name}（不变）`, `${learner.name} (unchanged)`)
              )}
            </dd>
            <dt>{t('身份证号', 'National id')}</dt>
            <dd class="mono">
              {next.nationalId ? (
                <>
                  {learner.nationalIdMasked} → <strong>{next.nationalId}</strong>
                </>
              ) : (
                t(`${learner.nationalIdMasked}（不变）`, `${learner.nationalIdMasked} (unchanged)`)
              )}
            </dd>
            <dt>{t('原因', 'Reason')}</dt>
            <dd>{f.reason.trim()}</dd>
          </dl>
          <p class="hint">
            {t(
              '更正后，学习者以新的姓名和身份证号查找；原来的值加密封存，仅供核查；学习者的其他服务会收到通知。',
              'After the correction the learner is found by the new name and national id; the old values are kept sealed, for audit only; the learner’s other services are told.',
            )}
          </p>
        </Confirm>
      ) : null}
    </>
  )
}
