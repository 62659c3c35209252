// Erasure for the platform's admins (decision 0730, PIPL Art. 47): a learner who cannot use their
// own page (no sign-in, a written request at a service desk) is erased by an admin on that verified
// request, found by 身份证号 and name, never by an internal id; and every erasure, the learners' own
// included, is listed with each service's part, so an admin sees one a service has not finished.
import { useState } from 'preact/hooks'
import { api, type Page } from '../api'
import { t } from '../i18n'
import { FilterForm, NationalIdAndName, PagedList, usePager } from '../staff-ui'
import { binder, Field, Form, fmtDate, ProblemBox, Section, Select, useLoad } from '../ui'
import { type Erasure, ErasureServices, servicePart, useErasure } from './erasure-progress'

interface Learner {
  id: string
  accountNo: string
  name: string | null
  nationalIdMasked: string | null
  erased: boolean
}

type Listed = Erasure & { accountNo: string }

export function Erasures() {
  // A new erasure puts the list back on its first page.
  const [made, setMade] = useState(0)
  return (
    <>
      <EraseOnRequest onErased={() => setMade((n) => n + 1)} />
      <ErasureList made={made} />
    </>
  )
}

function EraseOnRequest({ onErased }: { onErased: () => void }) {
  const [f, setF] = useState({ nationalId: '', name: '' })
  const [found, setFound] = useState<Learner | null>(null)
  const bind = binder(f, setF)
  const find = async () => {
    setFound(null)
    const { id } = await api.post<{ id: string }>('/v1/learners/lookup', {
      nationalId: f.nationalId.trim(),
      name: f.name.trim(),
    })
    setFound(await api.get<Learner>(`/v1/learners/${id}`))
  }
  return (
    <Section title={t('依申请删除个人信息', 'Erase on a verified request')} id="erase-on-request">
      <p class="hint">
        {t(
          '学习者可在自己的页面上删除个人信息。无法自行操作的（例如到服务窗口书面申请），在核实身份后由平台管理员依申请删除，须填写该申请的编号。删除无法撤销：学分记录保留为匿名记录，已签发的证书和凭证仍然有效。',
          'Learners erase their personal information on their own page. For one who cannot (a written request at a service desk, say), a platform administrator erases it on the verified request, giving its reference. Erasure cannot be undone: the credits stay as an anonymous record, and certificates and credentials already issued stay valid.',
        )}
      </p>
      <Form
        onSubmit={find}
        submit={t('查找', 'Find')}
        label={t('按身份证号和姓名查找学习者', 'Find the learner by national id and name')}
      >
        <div class="filter-grid">
          <NationalIdAndName bind={bind} />
        </div>
      </Form>
      {found ? <EraseLearner key={found.id} learner={found} onErased={onErased} /> : null}
    </Section>
  )
}

function EraseLearner({ learner, onErased }: { learner: Learner; onErased: () => void }) {
  const word = t('删除', 'ERASE')
  const [ref, setRef] = useState('')
  const [typed, setTyped] = useState('')
  const [unconfirmed, setUnconfirmed] = useState(false)
  const { erasure, error, gaveUp, started } = useErasure(learner.id)
  const erase = async () => {
    // The word typed is the confirmation one accidental click cannot give.
    setUnconfirmed(typed.trim() !== word)
    if (typed.trim() !== word) return
    started(
      await api.post<Erasure>(`/v1/learners/${learner.id}/erasure`, { requestRef: ref.trim() }),
    )
    onErased()
  }
  return (
    <div class="card" data-testid="erasure-learner">
      <dl class="facts">
        <dt>{t('姓名', 'Name')}</dt>
        <dd>{learner.name ?? t('（已删除）', '(erased)')}</dd>
        <dt>{t('学习账号', 'Account no.')}</dt>
        <dd class="mono">{learner.accountNo}</dd>
        <dt>{t('身份证号', 'National id')}</dt>
        <dd class="mono">{learner.nationalIdMasked ?? '—'}</dd>
      </dl>
      {erasure ? (
        <>
          <p role="status">
            {erasure.complete
              ? t('该学习者的个人信息已在所有服务中删除。', 'Erased everywhere.')
              : t('正在删除该学习者的个人信息…', 'Erasing…')}{' '}
            {erasure.requestedBy === 'admin'
              ? t(`依申请 ${erasure.requestRef}，`, `On request ${erasure.requestRef}, `)
              : t('由学习者本人提出，', 'Asked by the learner, ')}
            {fmtDate(erasure.requestedAt)}
          </p>
          <ErasureServices erasure={erasure} />
          {gaveUp ? (
            <p class="hint">
              {t(
                '部分服务尚未完成，它们会继续处理；下方列表可查看进度。',
                'Some services have not finished yet; they keep working. The list below shows where they are.',
              )}
            </p>
          ) : null}
        </>
      ) : (
        <Form
          onSubmit={erase}
          submit={t('永久删除该学习者的个人信息', 'Erase their personal information for good')}
          label={t('删除个人信息', 'Erase personal information')}
          class="erase-confirm"
        >
          <Field
            label={t('申请编号', 'Request reference')}
            name="requestRef"
            value={ref}
            onInput={setRef}
            required
            autoComplete="off"
            hint={t(
              '已核实的删除申请的编号，如 PIPL-2026-0042（字母、数字及 . _ : / -，不写姓名）',
              'The verified request’s reference, such as PIPL-2026-0042 (letters, digits and . _ : / -; no names)',
            )}
          />
          <Field
            label={t(`请输入“${word}”以确认`, `Type ${word} to confirm`)}
            name="confirm-erasure"
            value={typed}
            onInput={setTyped}
            required
            autoComplete="off"
            error={unconfirmed ? t(`请输入“${word}”`, `Type ${word}`) : undefined}
          />
        </Form>
      )}
      <ProblemBox error={error} />
    </div>
  )
}

function ErasureList({ made }: { made: number }) {
  const [pending, setPending] = useState('')
  const [query, setQuery] = useState('')
  const pager = usePager([query, made])
  const list = useLoad(() => {
    const q = new URLSearchParams({ limit: '20' })
    if (query) q.set('pending', 'true')
    if (pager.cursor) q.set('cursor', pager.cursor)
    return api.get<Page<Listed>>(`/v1/erasures?${q}`)
  }, [query, made, pager.cursor])
  return (
    <Section title={t('删除记录', 'Erasures')} id="erasures">
      <FilterForm
        label={t('筛选删除记录', 'Filter the erasures')}
        submit={t('筛选', 'Filter')}
        onSubmit={() => setQuery(pending)}
      >
        <Select
          label={t('进度', 'Progress')}
          name="pending"
          value={pending}
          onInput={setPending}
          options={[
            ['', t('全部', 'All')],
            ['true', t('尚未全部完成', 'Not finished everywhere')],
          ]}
        />
      </FilterForm>
      <PagedList
        state={list}
        pager={pager}
        empty={t('没有删除记录。', 'No erasures.')}
        caption={t('删除记录', 'Erasures')}
        scroll={false}
        rowKey={(e) => e.learnerId}
        rowProps={() => ({ 'data-testid': 'erasure-row' })}
        columns={[
          {
            label: t('时间（北京时间）', 'When (China time)'),
            cell: (e) => fmtDate(e.requestedAt),
          },
          { label: t('学习账号', 'Account no.'), cell: (e) => e.accountNo, class: 'mono' },
          {
            label: t('提出者', 'Asked by'),
            cell: (e) =>
              e.requestedBy === 'admin'
                ? t(`管理员（申请 ${e.requestRef}）`, `An admin (request ${e.requestRef})`)
                : t('学习者本人', 'The learner'),
          },
          {
            label: t('进度', 'Progress'),
            cell: (e) =>
              e.complete
                ? t('已全部完成', 'Done everywhere')
                : `${t('进行中：', 'Still working: ')}${e.services
                    .filter((s) => !s.completedAt)
                    .map((s) => servicePart(s.service))
                    .join(t('、', ', '))}`,
          },
        ]}
      />
    </Section>
  )
}
