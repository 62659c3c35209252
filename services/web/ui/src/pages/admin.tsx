import { useState } from 'preact/hooks'
import { api, forgetOrganizations, newKey, organizations, type Page } from '../api'
import { t, w } from '../i18n'
import { errorsByPath, Field, Form, Loading, Notice, Section, Select, useLoad } from '../ui'
import { Tabs } from './learner'

const tabs: [string, string, string][] = [
  ['', '机构', 'Organizations'],
  ['users', '用户', 'Users'],
  ['clients', '系统客户端', 'Clients'],
  ['events', '事件流健康', 'Event flow'],
]

const kinds = ['school', 'enterprise', 'training_body', 'evaluation_org', 'recognition_center']
const levels = [
  'secondary_vocational',
  'higher_vocational',
  'vocational_undergraduate',
  'technician_college',
  'undergraduate',
  'open_university',
]
const levelZh: Record<string, string> = {
  secondary_vocational: '中职',
  higher_vocational: '高职（专科）',
  vocational_undergraduate: '职业本科',
  technician_college: '技工院校',
  undergraduate: '普通本科',
  open_university: '开放大学',
}

export function AdminPage({ path }: { path: string[] }) {
  const sub = path[0] ?? ''
  return (
    <div>
      <Tabs base="admin" items={tabs} current={sub} />
      {sub === '' ? <Organizations /> : null}
      {sub === 'users' ? <Users /> : null}
      {sub === 'clients' ? <Clients /> : null}
      {sub === 'events' ? <EventFlow /> : null}
    </div>
  )
}

interface Org {
  id: string
  code: string
  name: string
  kind: string
  regionCode: string
  schoolLevel: string | null
}

function Organizations() {
  const [kind, setKind] = useState('')
  const state = useLoad(
    () => api.get<Page<Org>>(`/v1/organizations?limit=100${kind ? `&kind=${kind}` : ''}`),
    [kind],
  )
  const [f, setF] = useState({
    code: '',
    name: '',
    kind: 'school',
    regionCode: '410100',
    schoolLevel: 'higher_vocational',
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v })
  return (
    <div>
      <Section title={t('机构', 'Organizations')}>
        <Select
          label={t('类型筛选', 'Filter by kind')}
          name="kindFilter"
          value={kind}
          onInput={setKind}
          options={[['', t('全部', 'All')], ...kinds.map((k): [string, string] => [k, w(k)])]}
        />
        <Loading state={state} />
        {state.data ? (
          <div class="scroll">
            <table>
              <caption class="sr-only">{t('机构', 'Organizations')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('代码', 'Code')}</th>
                  <th scope="col">{t('名称', 'Name')}</th>
                  <th scope="col">{t('类型', 'Kind')}</th>
                  <th scope="col">{t('行政区划', 'Region')}</th>
                  <th scope="col">{t('办学层次', 'Level')}</th>
                  <th scope="col">ID</th>
                </tr>
              </thead>
              <tbody>
                {state.data.items.map((o) => (
                  <tr key={o.id}>
                    <td>{o.code}</td>
                    <td>{o.name}</td>
                    <td>{w(o.kind)}</td>
                    <td>{o.regionCode}</td>
                    <td>
                      {o.schoolLevel
                        ? t(levelZh[o.schoolLevel] ?? o.schoolLevel, o.schoolLevel)
                        : ''}
                    </td>
                    <td class="mono small">{o.id}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Section>
      <Section title={t('登记机构', 'Register an organization')}>
        <Form
          label={t('登记机构', 'Register')}
          submit={t('登记', 'Register')}
          onSubmit={async () => {
            setErrors({})
            try {
              await api.post(
                '/v1/organizations',
                {
                  code: f.code.trim(),
                  name: f.name.trim(),
                  kind: f.kind,
                  regionCode: f.regionCode.trim(),
                  ...(f.kind === 'school' ? { schoolLevel: f.schoolLevel } : {}),
                },
                newKey(),
              )
            } catch (err) {
              setErrors(errorsByPath(err))
              throw err
            }
            forgetOrganizations()
            state.reload()
          }}
        >
          <Field
            label={t('机构代码', 'Code')}
            name="code"
            value={f.code}
            onInput={set('code')}
            required
            error={errors.code}
          />
          <Field
            label={t('机构名称', 'Name')}
            name="name"
            value={f.name}
            onInput={set('name')}
            required
            error={errors.name}
          />
          <Select
            label={t('类型', 'Kind')}
            name="kind"
            value={f.kind}
            onInput={set('kind')}
            options={kinds.map((k) => [k, w(k)])}
          />
          <Field
            label={t('行政区划代码（6位）', 'Region code (6 digits)')}
            name="regionCode"
            value={f.regionCode}
            onInput={set('regionCode')}
            required
            error={errors.regionCode}
          />
          {f.kind === 'school' ? (
            <Select
              label={t('办学层次', 'School level')}
              name="schoolLevel"
              value={f.schoolLevel}
              onInput={set('schoolLevel')}
              options={levels.map((l) => [l, t(levelZh[l] ?? l, l)])}
            />
          ) : null}
        </Form>
      </Section>
    </div>
  )
}

function OrgSelect({ value, onInput }: { value: string; onInput: (v: string) => void }) {
  const orgs = useLoad(() => organizations())
  const list = [...(orgs.data?.values() ?? [])]
  return (
    <Select
      label={t('机构', 'Organization')}
      name="orgId"
      value={value || list[0]?.id || ''}
      onInput={onInput}
      options={list.map((o) => [o.id, `${o.name} (${w(o.kind)})`])}
      required
    />
  )
}

function Users() {
  const [f, setF] = useState({
    username: '',
    displayName: '',
    password: '',
    orgId: '',
    role: 'registrar',
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [done, setDone] = useState('')
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v })
  const orgs = useLoad(() => organizations())
  return (
    <Section title={t('新建机构用户', 'New staff user')}>
      <Form
        label={t('新建用户', 'New user')}
        submit={t('创建', 'Create')}
        onSubmit={async () => {
          setErrors({})
          setDone('')
          const orgId = f.orgId || [...(orgs.data?.keys() ?? [])][0] || ''
          try {
            const u = await api.post<{ username: string }>(
              '/v1/users',
              {
                username: f.username.trim(),
                displayName: f.displayName.trim(),
                password: f.password,
                memberships: [{ orgId, role: f.role }],
              },
              newKey(),
            )
            setDone(u.username)
          } catch (err) {
            setErrors(errorsByPath(err))
            throw err
          }
        }}
      >
        <Field
          label={t('用户名', 'Username')}
          name="username"
          value={f.username}
          onInput={set('username')}
          required
          error={errors.username}
        />
        <Field
          label={t('姓名', 'Display name')}
          name="displayName"
          value={f.displayName}
          onInput={set('displayName')}
          required
          error={errors.displayName}
        />
        <Field
          label={t('初始密码', 'Initial password')}
          name="password"
          type="password"
          value={f.password}
          onInput={set('password')}
          required
          autoComplete="new-password"
          error={errors.password}
        />
        <OrgSelect value={f.orgId} onInput={set('orgId')} />
        <Select
          label={t('角色', 'Role')}
          name="role"
          value={f.role}
          onInput={set('role')}
          options={['registrar', 'issuer', 'reviewer', 'admin'].map((r) => [
            r,
            r === 'admin' ? t('机构管理员', 'Organization admin') : w(r),
          ])}
        />
      </Form>
      {done ? <Notice>{t(`已创建用户 ${done}`, `User ${done} created`)}</Notice> : null}
    </Section>
  )
}

const scopes = [
  'outcomes:write',
  'enrollments:write',
  'learners:write',
  'certificates:write',
  'credentials:issue',
]

function Clients() {
  const [name, setName] = useState('')
  const [orgId, setOrgId] = useState('')
  const [chosen, setChosen] = useState<string[]>(['outcomes:write'])
  const [made, setMade] = useState<{ clientId: string; clientSecret?: string } | null>(null)
  const orgs = useLoad(() => organizations())
  return (
    <Section
      title={t(
        '为机构系统创建客户端（client credentials）',
        'New system client (client credentials)',
      )}
    >
      <Form
        label={t('新建客户端', 'New client')}
        submit={t('创建', 'Create')}
        onSubmit={async () => {
          setMade(
            await api.post(
              '/v1/clients',
              {
                name: name.trim(),
                orgId: orgId || [...(orgs.data?.keys() ?? [])][0],
                scopes: chosen,
              },
              newKey(),
            ),
          )
        }}
      >
        <Field
          label={t('名称', 'Name')}
          name="clientName"
          value={name}
          onInput={setName}
          required
        />
        <OrgSelect value={orgId} onInput={setOrgId} />
        <fieldset>
          <legend>{t('权限范围', 'Scopes')}</legend>
          {scopes.map((s) => (
            <label class="check" key={s}>
              <input
                type="checkbox"
                name="scopes"
                value={s}
                checked={chosen.includes(s)}
                onChange={(e) =>
                  setChosen(
                    (e.target as HTMLInputElement).checked
                      ? [...chosen, s]
                      : chosen.filter((x) => x !== s),
                  )
                }
              />{' '}
              <code>{s}</code>
            </label>
          ))}
        </fieldset>
      </Form>
      {made ? (
        <Notice>
          clientId <span class="mono">{made.clientId}</span>
          {made.clientSecret ? (
            <>
              {' '}
              · clientSecret <span class="mono">{made.clientSecret}</span>{' '}
              {t('（只显示这一次）', '(shown once)')}
            </>
          ) : null}
        </Notice>
      ) : null}
    </Section>
  )
}

interface Flow {
  at: string
  services: {
    service: string
    up: boolean
    outboxBacklog: number | null
    consumerLag: number | null
    deadLetters: number | null
    error?: string
  }[]
}

function EventFlow() {
  const state = useLoad(() => api.get<Flow>('/gateway/event-flow'))
  const cell = (v: number | null, warnAbove = 0) =>
    v === null ? <td>—</td> : <td class={v > warnAbove ? 'warn' : 'ok'}>{v}</td>
  return (
    <Section
      title={t('事件流健康（各服务 /metrics）', 'Event flow health (each service’s /metrics)')}
    >
      <button type="button" class="secondary" onClick={state.reload}>
        {t('刷新', 'Refresh')}
      </button>
      <Loading state={state} />
      {state.data ? (
        <table>
          <caption>
            {t('读取时间', 'Read at')} {new Date(state.data.at).toLocaleString()}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('服务', 'Service')}</th>
              <th scope="col">{t('运行', 'Up')}</th>
              <th scope="col">{t('发件箱积压', 'Outbox backlog')}</th>
              <th scope="col">{t('消费滞后', 'Consumer lag')}</th>
              <th scope="col">{t('死信数', 'Dead letters')}</th>
            </tr>
          </thead>
          <tbody>
            {state.data.services.map((s) => (
              <tr key={s.service}>
                <th scope="row">{s.service}</th>
                <td class={s.up ? 'ok' : 'warn'}>
                  {s.up ? t('正常', 'up') : `${t('不可达', 'down')} ${s.error ?? ''}`}
                </td>
                {cell(s.outboxBacklog, 100)}
                {cell(s.consumerLag, 100)}
                {cell(s.deadLetters, 0)}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Section>
  )
}
