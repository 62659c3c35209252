import { useState } from 'preact/hooks'
import { api, newKey, organizations, type Page } from '../api'
import { t } from '../i18n'
import { Field, Form, Loading, Notice, Section, Select, TextArea, useLoad } from '../ui'
import {
  type Application,
  ApplicationDetail,
  ApplicationTable,
  HypotheticalFields,
  hypothetical,
  RuleExplain,
  SimulationView,
  Tabs,
} from './learner'

const tabs: [string, string, string][] = [
  ['', '审核队列', 'Queue'],
  ['rules', '互认标准', 'Rules'],
  ['simulate', '规则模拟', 'Simulate'],
]

export function ReviewerPage({ path }: { path: string[] }) {
  const [sub, arg] = path
  return (
    <div>
      <Tabs base="reviewer" items={tabs} current={sub === 'applications' ? '' : (sub ?? '')} />
      {!sub ? <Queue /> : null}
      {sub === 'applications' && arg ? (
        <ApplicationDetail id={arg} decide={(a, reload) => <Decide app={a} reload={reload} />} />
      ) : null}
      {sub === 'rules' ? <Rules code={arg} /> : null}
      {sub === 'simulate' ? <SimulateRules /> : null}
    </div>
  )
}

function Queue() {
  const state = useLoad(async () => ({
    page: await api.get<Page<Application>>('/v1/applications?queue=mine&limit=100'),
    orgs: await organizations(),
  }))
  return (
    <div>
      <h1>{t('待我审核（按截止时间）', 'My queue (by due date)')}</h1>
      <p>
        {t(
          '逾期的排在最前。点击课程名查看证据、规则说明并作出审核意见。',
          'Overdue first. Open one to see its evidence and rule, and decide.',
        )}
      </p>
      <button type="button" class="secondary" onClick={state.reload}>
        {t('刷新', 'Refresh')}
      </button>
      <Loading state={state} />
      {state.data ? (
        <ApplicationTable
          items={state.data.page.items}
          orgs={state.data.orgs}
          base="#/reviewer/applications"
        />
      ) : null}
    </div>
  )
}

function Decide({ app, reload }: { app: Application; reload: () => void }) {
  const [decision, setDecision] = useState('approve')
  const [reason, setReason] = useState('')
  if (!['open', 'in_review', 'appealed'].includes(app.status)) return null
  return (
    <Section title={t('审核意见', 'Decision')}>
      <Form
        label={t('审核意见', 'Decision')}
        submit={t('提交审核意见', 'Submit decision')}
        onSubmit={async () => {
          await api.post(
            `/v1/applications/${app.id}/decisions`,
            { decision, reason: reason.trim() },
            newKey(),
          )
          setReason('')
          reload()
        }}
      >
        <fieldset>
          <legend>{t('结论', 'Decision')}</legend>
          <label class="radio">
            <input
              type="radio"
              name="decision"
              value="approve"
              checked={decision === 'approve'}
              onChange={() => setDecision('approve')}
            />{' '}
            {t('同意认定', 'Approve')}
          </label>
          <label class="radio">
            <input
              type="radio"
              name="decision"
              value="reject"
              checked={decision === 'reject'}
              onChange={() => setDecision('reject')}
            />{' '}
            {t('不同意', 'Reject')}
          </label>
        </fieldset>
        <Field
          label={t('理由（学习者可见）', 'Reason (the learner sees it)')}
          name="reason"
          value={reason}
          onInput={setReason}
          required
        />
      </Form>
    </Section>
  )
}

interface Rule {
  code: string
  name: string
  version: number
  targetOrgId: string
  validFrom: string
  validTo: string | null
  review: { mode: string }
  [k: string]: unknown
}

function editable(rule: Rule) {
  const {
    version: _v,
    createdAt: _c,
    createdBy: _b,
    ...body
  } = rule as Rule & { createdAt?: string; createdBy?: string }
  return JSON.stringify(body, null, 2)
}

function Rules({ code }: { code?: string | undefined }) {
  const state = useLoad(
    async () => ({
      page: await api.get<Page<Rule>>('/v1/rules?limit=100'),
      orgs: await organizations(),
    }),
    [code],
  )
  const [text, setText] = useState('')
  const [saved, setSaved] = useState<Rule | null>(null)
  const rule = code ? state.data?.page.items.find((r) => r.code === code) : undefined
  const versions = useLoad(
    async () =>
      rule
        ? Promise.all(
            Array.from({ length: rule.version }, (_, i) =>
              api.get<Rule>(`/v1/rules/${encodeURIComponent(rule.code)}/versions/${i + 1}`),
            ),
          )
        : [],
    [rule?.code, rule?.version],
  )
  if (code && rule) {
    return (
      <div>
        <p>
          <a href="#/reviewer/rules">← {t('全部标准', 'All rules')}</a>
        </p>
        <h1>
          {rule.name} <code>{rule.code}</code>
        </h1>
        <div class="grid">
          <Section title={t(`当前版本 v${rule.version}`, `Current version v${rule.version}`)}>
            <RuleExplain rule={rule} orgs={state.data!.orgs} />
          </Section>
          <Section title={t('修改为新版本', 'Change as a new version')}>
            <p>
              {t(
                '修改不会覆盖旧版本：保存后生成新版本，已开启的申请仍按原版本办理。',
                'A change never overwrites: it makes a new version; open applications keep theirs.',
              )}
            </p>
            <Form
              label={t('新版本', 'New version')}
              submit={t('保存为新版本', 'Save as a new version')}
              onSubmit={async () => {
                setSaved(
                  await api.put<Rule>(
                    `/v1/rules/${encodeURIComponent(rule.code)}`,
                    JSON.parse(text || editable(rule)),
                  ),
                )
                state.reload()
              }}
            >
              <TextArea
                label={t('规则（JSON）', 'Rule (JSON)')}
                name="rule"
                rows={18}
                mono
                value={text || editable(rule)}
                onInput={setText}
              />
            </Form>
            {saved ? (
              <Notice>{t(`已保存为 v${saved.version}`, `Saved as v${saved.version}`)}</Notice>
            ) : null}
          </Section>
        </div>
        <Section title={t('历史版本', 'Versions')}>
          <Loading state={versions} />
          <ol>
            {(versions.data ?? []).map((v) => (
              <li key={v.version}>
                v{v.version} · {v.validFrom} – {v.validTo ?? '…'} ·{' '}
                {String((v as { createdAt?: string }).createdAt ?? '')}
              </li>
            ))}
          </ol>
        </Section>
      </div>
    )
  }
  return (
    <div>
      <h1>{t('互认标准（转换规则）', 'Recognition rules')}</h1>
      <Loading state={state} />
      {state.data ? (
        <table>
          <caption class="sr-only">{t('规则', 'Rules')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('代码', 'Code')}</th>
              <th scope="col">{t('名称', 'Name')}</th>
              <th scope="col">{t('认定学校', 'Target')}</th>
              <th scope="col">{t('版本', 'Version')}</th>
              <th scope="col">{t('审核', 'Review')}</th>
            </tr>
          </thead>
          <tbody>
            {state.data.page.items.map((r) => (
              <tr key={r.code}>
                <td>
                  <a href={`#/reviewer/rules/${encodeURIComponent(r.code)}`}>{r.code}</a>
                </td>
                <td>{r.name}</td>
                <td>{state.data!.orgs.get(r.targetOrgId)?.name}</td>
                <td>v{r.version}</td>
                <td>{r.review.mode === 'auto' ? t('自动', 'auto') : t('人工', 'manual')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <NewRule onSaved={state.reload} />
    </div>
  )
}

function NewRule({ onSaved }: { onSaved: () => void }) {
  const [text, setText] = useState('')
  return (
    <Section title={t('新建互认标准', 'New rule')}>
      <Form
        label={t('新建规则', 'New rule')}
        submit={t('创建', 'Create')}
        onSubmit={async () => {
          await api.post('/v1/rules', JSON.parse(text), newKey())
          setText('')
          onSaved()
        }}
      >
        <TextArea
          label={t('规则（JSON，字段见 API 文档）', 'Rule (JSON, fields as in the API)')}
          name="newRule"
          rows={10}
          mono
          value={text}
          onInput={setText}
          required
        />
      </Form>
    </Section>
  )
}

function SimulateRules() {
  const orgs = useLoad(() => organizations())
  const [target, setTarget] = useState('')
  const [program, setProgram] = useState('')
  const [learnerId, setLearnerId] = useState('')
  const [h, setH] = useState<Record<string, string>>({
    kind: 'training',
    title: '职业技能培训',
    hours: '64',
  })
  const [result, setResult] = useState<any>(null)
  const schools = [...(orgs.data?.values() ?? [])].filter((o) => o.kind === 'school')
  const targetId = target || schools[0]?.id || ''
  return (
    <Section title={t('规则模拟', 'Simulate rules')}>
      <p>
        {t(
          '用某位学习者已有的成果或假设的成果，试算目标学校现行规则的认定结果。',
          'Try a learner’s outcomes or a hypothetical one against a target’s current rules.',
        )}
      </p>
      <Form
        label={t('规则模拟', 'Simulation')}
        submit={t('模拟', 'Simulate')}
        onSubmit={async () => {
          const outcomes = hypothetical(h)
          setResult(
            await api.post('/v1/simulations', {
              targetOrgId: targetId,
              programCode: program.trim(),
              ...(learnerId.trim() ? { learnerId: learnerId.trim() } : {}),
              ...(outcomes ? { outcomes } : {}),
            }),
          )
        }}
      >
        <Select
          label={t('目标学校', 'Target school')}
          name="targetOrgId"
          value={targetId}
          onInput={setTarget}
          options={schools.map((o) => [o.id, o.name])}
          required
        />
        <Field
          label={t('专业代码', 'Program code')}
          name="programCode"
          value={program}
          onInput={setProgram}
          required
          placeholder="P-RAIL"
        />
        <Field
          label={t('学习者编号（可选）', 'Learner id (optional)')}
          name="learnerId"
          value={learnerId}
          onInput={setLearnerId}
        />
        <HypotheticalFields h={h} set={(k) => (v) => setH({ ...h, [k]: v })} />
      </Form>
      {result ? <SimulationView r={result} /> : null}
    </Section>
  )
}
