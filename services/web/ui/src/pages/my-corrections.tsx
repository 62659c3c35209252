// Corrections of a learner's name or 身份证号 (PIPL Art. 46, decision 0730): what the opening
// organization corrected, when, what it was before and why — for the learner beside "who looked",
// and for admins on their corrections tab.
import { api, type Page } from '../api'
import { t } from '../i18n'
import { CardTable, fmtDate, Loading, Section, useLoad } from '../ui'

interface Correction {
  id: string
  at: string
  fields: ('name' | 'nationalId')[]
  previous: { name: string | null; nationalIdMasked: string | null } | null
  reason: string | null
  role: 'registrar' | 'admin'
  organization: { id: string; name: string | null } | null
}

export function fieldWords(fields: readonly string[]) {
  return fields
    .map((f) => (f === 'name' ? t('姓名', 'name') : t('身份证号', 'national id number')))
    .join(t('和', ' and '))
}

function before(c: Correction) {
  if (!c.previous) return '—'
  const parts = [
    c.previous.name !== null ? t(`姓名：${c.previous.name}`, `Name: ${c.previous.name}`) : null,
    c.previous.nationalIdMasked !== null
      ? t(`身份证号：${c.previous.nationalIdMasked}`, `National id: ${c.previous.nationalIdMasked}`)
      : null,
  ]
  return parts.filter(Boolean).join(t('；', '; '))
}

export function MyCorrections({ learnerId }: { learnerId: string }) {
  return (
    <Section
      title={t('我的姓名和身份证号的更正', 'Corrections of my name and national id')}
      id="corrections"
    >
      <p class="hint">
        {t(
          '只有为您开立学习账户的机构（或平台管理员）可以更正您的姓名或身份证号；每次更正都在这里列出，更正前的值加密封存，并在这里显示给您。',
          'Only the organization that opened your account (or a platform administrator) can correct your name or national id number; each correction is listed here, and the value before is kept sealed and shown to you here.',
        )}
      </p>
      <CorrectionList
        learnerId={learnerId}
        none={t(
          '您的姓名和身份证号没有被更正过。',
          'Your name and national id number have never been corrected.',
        )}
      />
    </Section>
  )
}

/** The corrections of one learner; `version` reloads them (a correction just made). */
export function CorrectionList(props: { learnerId: string; none: string; version?: number }) {
  // Corrections are rare: the newest hundred are the whole story for anyone.
  const state = useLoad(
    () => api.get<Page<Correction>>(`/v1/learners/${props.learnerId}/corrections?limit=100`),
    [props.learnerId, props.version],
  )
  return (
    <>
      <Loading state={state} />
      {state.data ? (
        state.data.items.length ? (
          <CardTable
            caption={t('更正记录', 'Corrections')}
            rows={state.data.items}
            rowKey={(c) => c.id}
            rowProps={() => ({ 'data-testid': 'correction-row' })}
            columns={[
              {
                label: t('时间（北京时间）', 'When (China time)'),
                cell: (c) => <time dateTime={c.at}>{fmtDate(c.at)}</time>,
              },
              {
                label: t('更正机构', 'Corrected by'),
                cell: (c) =>
                  c.organization?.name ??
                  (c.organization
                    ? t('机构', 'An organization')
                    : t('平台管理员', 'A platform administrator')),
              },
              {
                label: t('更正内容', 'What'),
                cell: (c) => {
                  const words = fieldWords(c.fields)
                  return words.charAt(0).toUpperCase() + words.slice(1)
                },
              },
              { label: t('更正前', 'Before'), cell: before },
              { label: t('原因', 'Reason'), cell: (c) => c.reason ?? '—' },
            ]}
          />
        ) : (
          <p>{props.none}</p>
        )
      ) : null}
    </>
  )
}
