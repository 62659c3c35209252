import { useState } from 'preact/hooks'
import { api, auth, forgetOrganizations, newKey, organizations, type Page } from '../api'
import { t, w } from '../i18n'
import { Confirm, ConfirmButton, CopyButton, FilterForm, PagedList, usePager } from '../staff-ui'
import {
  binder,
  errorsByPath,
  Field,
  Form,
  fmtDate,
  Loading,
  Notice,
  Section,
  Select,
  type Tab,
  TabbedPage,
  useLoad,
} from '../ui'
import { AccessLog } from './access-log'
import { AdminCorrections } from './admin-corrections'
import { Erasures } from './erasures'
import { Oversight } from './oversight'

const platformTabs: Tab[] = [
  ['', '机构', 'Organizations', () => <Organizations />],
  ['users', '用户', 'Users', () => <Users />],
  ['clients', '系统客户端', 'Clients', () => <Clients />],
  ['audit', '操作日志', 'Audit', () => <Audit />],
  ['access-log', '个人信息查看记录', 'Reads of personal data', () => <AccessLog />],
  ['corrections', '姓名身份证号更正', 'Corrections', () => <AdminCorrections />],
  ['erasures', '个人信息删除', 'Erasures', () => <Erasures />],
  ['oversight', '监管统计', 'Oversight', () => <Oversight />],
  ['events', '事件流健康', 'Event flow', () => <EventFlow />],
]
/**
 * Organization admins administer their own people and clients, and see their trail; a recognition
 * center's admins also read their region's oversight figures (decision 0800: others are told why not).
 */
const orgAdminTabs = platformTabs.filter(
  ([p]) => p === 'users' || p === 'clients' || p === 'audit' || p === 'oversight',
)

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
const levelWord = (l: string | null) => (l ? t(levelZh[l] ?? l, l.replaceAll('_', ' ')) : '')

export function AdminPage({ path }: { path: string[] }) {
  const platform = auth.has('admin')
  return (
    <TabbedPage
      base="admin"
      path={path}
      tabs={platform ? platformTabs : orgAdminTabs}
      home={platform ? '' : 'users'}
    />
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
  const [q, setQ] = useState('')
  const [query, setQuery] = useState('')
  const pager = usePager([kind, query])
  const state = useLoad(() => {
    const params = new URLSearchParams({ limit: '20' })
    if (kind) params.set('kind', kind)
    if (query) params.set('q', query)
    if (pager.cursor) params.set('cursor', pager.cursor)
    return api.get<Page<Org>>(`/v1/organizations?${params}`)
  }, [kind, query, pager.cursor])
  const [notice, setNotice] = useState('')
  const [f, setF] = useState({
    code: '',
    name: '',
    kind: 'school',
    regionCode: '410100',
    schoolLevel: 'higher_vocational',
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [registered, setRegistered] = useState('')
  const bind = binder(f, setF, errors)
  return (
    <div>
      <Section title={t('机构', 'Organizations')}>
        <FilterForm
          label={t('查找机构', 'Find organizations')}
          submit={t('查找', 'Search')}
          onSubmit={() => setQuery(q.trim())}
        >
          <Field label={t('名称或代码', 'Name or code')} name="q" value={q} onInput={setQ} />
          <Select
            label={t('类型筛选', 'Filter by kind')}
            name="kindFilter"
            value={kind}
            onInput={setKind}
            options={[['', t('全部', 'All')], ...kinds.map((k): [string, string] => [k, w(k)])]}
          />
        </FilterForm>
        {notice ? <Notice>{notice}</Notice> : null}
        <PagedList
          state={state}
          pager={pager}
          empty={t('没有符合条件的机构。', 'No organization matches.')}
          caption={t('机构', 'Organizations')}
          rowKey={(o) => o.id}
          columns={[
            { label: t('代码', 'Code'), cell: (o) => o.code },
            { label: t('名称', 'Name'), cell: (o) => o.name },
            { label: t('类型', 'Kind'), cell: (o) => w(o.kind) },
            { label: t('行政区划', 'Region'), cell: (o) => o.regionCode },
            { label: t('办学层次', 'Level'), cell: (o) => levelWord(o.schoolLevel) },
          ]}
          actions={(o) => (
            <ConfirmButton
              label={t('修改', 'Edit')}
              name={t(`修改 ${o.name}`, `Edit ${o.name}`)}
              onOpen={() => setNotice('')}
            >
              {(close) => (
                <EditOrganization
                  org={o}
                  onClose={close}
                  onDone={(o) => {
                    forgetOrganizations()
                    setNotice(t(`已保存 ${o.name}。`, `${o.name} saved.`))
                    state.reload()
                  }}
                />
              )}
            </ConfirmButton>
          )}
        />
      </Section>
      <Section title={t('登记机构', 'Register an organization')}>
        <Form
          label={t('登记机构', 'Register')}
          submit={t('登记', 'Register')}
          onSubmit={async () => {
            setErrors({})
            setRegistered('')
            try {
              const o = await api.post<Org>(
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
              setRegistered(o.name)
            } catch (err) {
              setErrors(errorsByPath(err))
              throw err
            }
            forgetOrganizations()
            state.reload()
          }}
        >
          <Field label={t('机构代码', 'Code')} {...bind('code')} required />
          <Field label={t('机构名称', 'Name')} {...bind('name')} required />
          <Select
            label={t('类型', 'Kind')}
            {...bind('kind')}
            options={kinds.map((k) => [k, w(k)])}
          />
          <Field
            label={t('行政区划代码（6位）', 'Region code (6 digits)')}
            {...bind('regionCode')}
            required
          />
          {f.kind === 'school' ? (
            <Select
              label={t('办学层次', 'School level')}
              {...bind('schoolLevel')}
              options={levels.map((l) => [l, levelWord(l)])}
            />
          ) : null}
        </Form>
        {registered ? (
          <Notice>{t(`已登记 ${registered}。`, `${registered} registered.`)}</Notice>
        ) : null}
      </Section>
    </div>
  )
}

/** Name, region and school level can be corrected; code and kind stay (decision 0531). */
function EditOrganization(props: { org: Org; onClose: () => void; onDone: (o: Org) => void }) {
  const o = props.org
  const [f, setF] = useState({
    name: o.name,
    regionCode: o.regionCode,
    schoolLevel: o.schoolLevel ?? '',
  })
  const bind = binder(f, setF)
  const changes: Record<string, string | null> = {}
  if (f.name.trim() !== o.name) changes.name = f.name.trim()
  if (f.regionCode.trim() !== o.regionCode) changes.regionCode = f.regionCode.trim()
  if (o.kind === 'school' && (f.schoolLevel || null) !== o.schoolLevel)
    changes.schoolLevel = f.schoolLevel || null
  return (
    <Confirm
      title={t(`修改机构：${o.name}`, `Edit ${o.name}`)}
      confirm={t('保存修改', 'Save')}
      danger={false}
      ready={Object.keys(changes).length > 0}
      onClose={props.onClose}
      onConfirm={async () => {
        props.onDone(await api.patch<Org>(`/v1/organizations/${o.id}`, changes, newKey()))
      }}
    >
      <p class="hint">
        {t(
          `代码 ${o.code} 和类型（${w(o.kind)}）不能修改。修改会通知所有服务，并记入操作日志。`,
          `The code ${o.code} and kind (${w(o.kind)}) stay. Every service learns the change; it is in the audit trail.`,
        )}
      </p>
      <Field label={t('机构名称', 'Name')} {...bind('name')} />
      <Field
        label={t('行政区划代码（6位）', 'Region code (6 digits)')}
        {...bind('regionCode')}
        hint={t('决定审核员的管辖范围', 'Decides reviewers’ scope')}
      />
      {o.kind === 'school' ? (
        <Select
          label={t('办学层次', 'School level')}
          {...bind('schoolLevel')}
          options={levels.map((l) => [l, levelWord(l)])}
        />
      ) : null}
    </Confirm>
  )
}

/** An organization's admin makes users and clients only for the organizations they administer. */
function choosable<T extends { id: string }>(orgs: Map<string, T> | undefined): T[] {
  const mine = auth.has('admin') ? null : (auth.current?.claims.orgAdmin ?? [])
  return [...(orgs?.values() ?? [])].filter((o) => !mine || mine.includes(o.id))
}

function OrgSelect({ value, onInput }: { value: string; onInput: (v: string) => void }) {
  const orgs = useLoad(() => organizations())
  const list = choosable(orgs.data)
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

interface StaffUser {
  id: string
  username: string
  displayName: string
  platformAdmin: boolean
  memberships: { orgId: string; orgName: string; orgCode: string; role: string }[]
  disabled: boolean
  disabledAt: string | null
  disabledReason: string | null
  passwordChangeRequired: boolean
  lastSignInAt: string | null
}

const roleWord = (r: string) => (r === 'admin' ? t('机构管理员', 'Organization admin') : w(r))

function UserFacts({ u }: { u: StaffUser }) {
  return (
    <dl class="facts">
      <dt>{t('姓名', 'Name')}</dt>
      <dd>{u.displayName}</dd>
      <dt>{t('用户名', 'Username')}</dt>
      <dd class="mono">{u.username}</dd>
      <dt>{t('所在机构', 'Organizations')}</dt>
      <dd>
        {u.platformAdmin ? `${t('平台管理员', 'Platform admin')} ` : ''}
        {u.memberships.map((m) => `${m.orgName}（${roleWord(m.role)}）`).join(t('、', ', ')) ||
          (u.platformAdmin ? '' : t('无', 'none'))}
      </dd>
    </dl>
  )
}

type UserAction = { kind: 'disable' | 'enable' | 'reset'; user: StaffUser }

function Users() {
  const [q, setQ] = useState('')
  const [status, setStatus] = useState('')
  const [role, setRole] = useState('')
  const [query, setQuery] = useState({ q: '', status: '', role: '' })
  const pager = usePager([query])
  const list = useLoad(() => {
    const params = new URLSearchParams({ limit: '20' })
    if (query.q) params.set('q', query.q)
    if (query.status) params.set('status', query.status)
    if (query.role) params.set('role', query.role)
    if (pager.cursor) params.set('cursor', pager.cursor)
    return api.get<Page<StaffUser>>(`/v1/users?${params}`)
  }, [query, pager.cursor])
  const [notice, setNotice] = useState('')
  const [temporary, setTemporary] = useState<{
    user: StaffUser
    password: string
    expiresAt: string
  } | null>(null)
  const me = auth.current?.claims.sub
  const act = (kind: UserAction['kind'], u: StaffUser, label: string) => (
    <ConfirmButton
      label={label}
      // The visible words first in the name (WCAG 2.5.3, label in name).
      name={`${label} ${u.username}`}
    >
      {(close) => (
        <UserActionDialog
          action={{ kind, user: u }}
          onClose={close}
          onDone={(text, reset) => {
            setNotice(text)
            setTemporary(reset ?? null)
            list.reload()
          }}
        />
      )}
    </ConfirmButton>
  )
  return (
    <div>
      <Section title={t('用户', 'Users')} id="users">
        <FilterForm
          label={t('查找用户', 'Find users')}
          submit={t('查找', 'Search')}
          onSubmit={() => setQuery({ q: q.trim(), status, role })}
        >
          <Field label={t('用户名或姓名', 'Username or name')} name="q" value={q} onInput={setQ} />
          <Select
            label={t('状态', 'Status')}
            name="status"
            value={status}
            onInput={setStatus}
            options={[
              ['', t('全部', 'All')],
              ['active', t('正常', 'Active')],
              ['disabled', t('已停用', 'Disabled')],
            ]}
          />
          <Select
            label={t('角色', 'Role')}
            name="role"
            value={role}
            onInput={setRole}
            options={[
              ['', t('全部', 'All')],
              ...['registrar', 'issuer', 'reviewer', 'admin'].map((r): [string, string] => [
                r,
                roleWord(r),
              ]),
            ]}
          />
        </FilterForm>
        {notice ? <Notice>{notice}</Notice> : null}
        {temporary ? (
          <div class="notice" role="status">
            <p>
              {t(
                `已为 ${temporary.user.displayName}（${temporary.user.username}）重置密码。临时密码只显示这一次，请当面或电话告知本人；本人用它登录后须设置新密码。`,
                `The password of ${temporary.user.displayName} (${temporary.user.username}) was reset. The temporary password is shown this once: give it to them in person or by phone; signing in with it asks for a new password.`,
              )}
            </p>
            <p>
              <span class="secret" data-testid="temporary-password">
                {temporary.password}
              </span>{' '}
              <CopyButton text={temporary.password} label={t('复制临时密码', 'Copy')} />
            </p>
            <p class="hint">
              {t('有效期至', 'Valid until')} {fmtDate(temporary.expiresAt)}
            </p>
            <button type="button" class="link" onClick={() => setTemporary(null)}>
              {t('已告知，隐藏', 'Done, hide it')}
            </button>
          </div>
        ) : null}
        <PagedList
          state={list}
          pager={pager}
          empty={t('没有符合条件的用户。', 'No user matches.')}
          caption={t('用户', 'Users')}
          scroll={false}
          rowKey={(u) => u.id}
          rowProps={(u) => ({ class: u.disabled ? 'revoked' : undefined })}
          columns={[
            { label: t('姓名', 'Name'), cell: (u) => u.displayName },
            {
              label: t('用户名', 'Username'),
              cell: (u) => <span class="mono">{u.username}</span>,
            },
            {
              label: t('机构与角色', 'Organization and role'),
              cell: (u) => (
                <>
                  {u.platformAdmin ? t('平台管理员', 'Platform admin') : null}
                  {u.memberships.map((m) => (
                    <div key={m.orgId + m.role}>
                      {m.orgName} · {roleWord(m.role)}
                    </div>
                  ))}
                </>
              ),
            },
            {
              label: t('状态', 'Status'),
              cell: (u) => (
                <>
                  {u.disabled ? (
                    <span class="status cert-revoked">{t('已停用', 'Disabled')}</span>
                  ) : (
                    <span class="status cert-valid">{t('正常', 'Active')}</span>
                  )}
                  {u.passwordChangeRequired ? (
                    <span class="tag warn"> {t('待改密码', 'Must change password')}</span>
                  ) : null}
                </>
              ),
            },
            {
              label: t('最近登录', 'Last sign-in'),
              cell: (u) => (u.lastSignInAt ? fmtDate(u.lastSignInAt) : t('从未', 'never')),
            },
          ]}
          actions={(u) =>
            u.id === me ? (
              <span class="hint">{t('（本人）', '(you)')}</span>
            ) : (
              <>
                {u.disabled
                  ? act('enable', u, t('启用', 'Enable'))
                  : act('disable', u, t('停用', 'Disable'))}
                {act('reset', u, t('重置密码', 'Reset password'))}
              </>
            )
          }
        />
      </Section>
      <NewUser onCreated={list.reload} />
    </div>
  )
}

function UserActionDialog(props: {
  action: UserAction
  onClose: () => void
  onDone: (notice: string, reset?: { user: StaffUser; password: string; expiresAt: string }) => void
}) {
  const { kind, user: u } = props.action
  const [reason, setReason] = useState('')
  const who = `${u.displayName}（${u.username}）`
  const title =
    kind === 'disable'
      ? t(`停用 ${who}？`, `Disable ${u.displayName} (${u.username})?`)
      : kind === 'enable'
        ? t(`启用 ${who}？`, `Enable ${u.displayName} (${u.username})?`)
        : t(`重置 ${who} 的密码？`, `Reset the password of ${u.displayName} (${u.username})?`)
  return (
    <Confirm
      title={title}
      confirm={
        kind === 'disable'
          ? t('确认停用', 'Disable')
          : kind === 'enable'
            ? t('确认启用', 'Enable')
            : t('确认重置', 'Reset')
      }
      danger={kind !== 'enable'}
      onClose={props.onClose}
      onConfirm={async () => {
        if (kind === 'disable') {
          await api.post(
            `/v1/users/${u.id}/disable`,
            reason.trim() ? { reason: reason.trim() } : {},
            newKey(),
          )
          props.onDone(t(`已停用 ${who}。`, `${u.username} disabled.`))
        } else if (kind === 'enable') {
          await api.post(`/v1/users/${u.id}/enable`, {}, newKey())
          props.onDone(t(`已启用 ${who}。`, `${u.username} enabled.`))
        } else {
          const r = await api.post<{
            user: StaffUser
            temporaryPassword?: string
            expiresAt: string
          }>(`/v1/users/${u.id}/password-reset`, {}, newKey())
          props.onDone(
            '',
            r.temporaryPassword
              ? { user: r.user, password: r.temporaryPassword, expiresAt: r.expiresAt }
              : undefined,
          )
        }
      }}
    >
      <UserFacts u={u} />
      <p>
        {kind === 'disable'
          ? t(
              '停用后此人不能登录；已登录的会话在身份服务立即失效，在其他服务最迟 15 分钟内失效。可随时重新启用。',
              'They cannot sign in; their sessions end at once in identity and within 15 minutes elsewhere. They can be enabled again.',
            )
          : kind === 'enable'
            ? t(
                '启用后此人可以再次登录（原来的会话不会恢复）。',
                'They can sign in again (old sessions do not come back).',
              )
            : t(
                '将生成一个临时密码（只显示一次，72 小时内有效）。此人现有的会话立即结束，用临时密码登录后必须设置新密码。',
                'A temporary password is made (shown once, valid 72 hours). Their sessions end now; signing in with it asks for a new password.',
              )}
      </p>
      {kind === 'disable' ? (
        <Field
          label={t('停用原因（可选）', 'Reason (optional)')}
          name="reason"
          value={reason}
          onInput={setReason}
        />
      ) : null}
    </Confirm>
  )
}

function NewUser({ onCreated }: { onCreated: () => void }) {
  const [f, setF] = useState({
    username: '',
    displayName: '',
    password: '',
    orgId: '',
    role: 'registrar',
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [done, setDone] = useState('')
  const bind = binder(f, setF, errors)
  const orgs = useLoad(() => organizations())
  return (
    <Section title={t('新建机构用户', 'New staff user')}>
      <Form
        label={t('新建用户', 'New user')}
        submit={t('创建', 'Create')}
        onSubmit={async () => {
          setErrors({})
          setDone('')
          const orgId = f.orgId || choosable(orgs.data)[0]?.id || ''
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
            onCreated()
          } catch (err) {
            setErrors(errorsByPath(err))
            throw err
          }
        }}
      >
        <Field label={t('用户名', 'Username')} {...bind('username')} required />
        <Field label={t('姓名', 'Display name')} {...bind('displayName')} required />
        <Field
          label={t('初始密码', 'Initial password')}
          type="password"
          {...bind('password')}
          required
          autoComplete="new-password"
        />
        <OrgSelect value={f.orgId} onInput={bind('orgId').onInput} />
        <Select
          label={t('角色', 'Role')}
          {...bind('role')}
          options={['registrar', 'issuer', 'reviewer', 'admin'].map((r) => [r, roleWord(r)])}
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

interface ClientListed {
  clientId: string
  name: string
  orgName: string
  orgCode: string
  scopes: string[]
  createdAt: string
  revokedAt: string | null
}

function Clients() {
  const [includeRevoked, setIncludeRevoked] = useState(false)
  const pager = usePager([includeRevoked])
  const list = useLoad(() => {
    const params = new URLSearchParams({ limit: '20' })
    if (includeRevoked) params.set('includeRevoked', 'true')
    if (pager.cursor) params.set('cursor', pager.cursor)
    return api.get<Page<ClientListed>>(`/v1/clients?${params}`)
  }, [includeRevoked, pager.cursor])
  const [notice, setNotice] = useState('')
  return (
    <div>
      <Section title={t('系统客户端', 'System clients')}>
        <label class="check">
          <input
            type="checkbox"
            name="includeRevoked"
            checked={includeRevoked}
            onChange={(e) => setIncludeRevoked((e.target as HTMLInputElement).checked)}
          />
          {t('显示已吊销的', 'Show revoked ones')}
        </label>
        {notice ? <Notice>{notice}</Notice> : null}
        <PagedList
          state={list}
          pager={pager}
          empty={t('没有系统客户端。', 'No system client.')}
          caption={t('系统客户端', 'System clients')}
          scroll={false}
          rowKey={(c) => c.clientId}
          rowProps={(c) => ({ class: c.revokedAt ? 'revoked' : undefined })}
          columns={[
            { label: t('名称', 'Name'), cell: (c) => c.name },
            { label: t('机构', 'Organization'), cell: (c) => c.orgName },
            { label: 'clientId', cell: (c) => <span class="mono small">{c.clientId}</span> },
            {
              label: t('权限范围', 'Scopes'),
              cell: (c) =>
                c.scopes.map((s) => (
                  <code key={s} class="small">
                    {s}{' '}
                  </code>
                )),
            },
            { label: t('创建时间', 'Created'), cell: (c) => fmtDate(c.createdAt) },
          ]}
          actions={(c) =>
            c.revokedAt ? (
              <span class="status cert-revoked">
                {t('已吊销', 'Revoked')} {fmtDate(c.revokedAt)}
              </span>
            ) : (
              <ConfirmButton
                label={t('吊销', 'Revoke')}
                name={t(`吊销 ${c.name}`, `Revoke ${c.name}`)}
                onOpen={() => setNotice('')}
              >
                {(close) => (
                  <Confirm
                    title={t(`吊销客户端“${c.name}”？`, `Revoke the client “${c.name}”?`)}
                    confirm={t('确认吊销', 'Revoke')}
                    onClose={close}
                    onConfirm={async () => {
                      await api.del(`/v1/clients/${encodeURIComponent(c.clientId)}`)
                      setNotice(t(`已吊销 ${c.name}。`, `${c.name} revoked.`))
                      list.reload()
                    }}
                  >
                    <dl class="facts">
                      <dt>{t('机构', 'Organization')}</dt>
                      <dd>{c.orgName}</dd>
                      <dt>clientId</dt>
                      <dd class="mono">{c.clientId}</dd>
                      <dt>{t('权限范围', 'Scopes')}</dt>
                      <dd>{c.scopes.join(', ')}</dd>
                    </dl>
                    <p>
                      {t(
                        '吊销后该系统不能再获取令牌，已取得的令牌最迟 15 分钟内失效。不能撤回，需要时请新建客户端。',
                        'The system can no longer get tokens; tokens it holds expire within 15 minutes. This cannot be undone: make a new client if needed.',
                      )}
                    </p>
                  </Confirm>
                )}
              </ConfirmButton>
            )
          }
        />
      </Section>
      <NewClient onCreated={list.reload} />
    </div>
  )
}

function NewClient({ onCreated }: { onCreated: () => void }) {
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
                orgId: orgId || choosable(orgs.data)[0]?.id,
                scopes: chosen,
              },
              newKey(),
            ),
          )
          onCreated()
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
              · clientSecret <span class="secret">{made.clientSecret}</span>{' '}
              <CopyButton text={made.clientSecret} /> {t('（只显示这一次）', '(shown once)')}
            </>
          ) : null}
        </Notice>
      ) : null}
    </Section>
  )
}

const actionWords: Record<string, [string, string]> = {
  'organization.registered': ['登记机构', 'Organization registered'],
  'organization.updated': ['修改机构', 'Organization edited'],
  'user.created': ['新建用户', 'User created'],
  'user.disabled': ['停用用户', 'User disabled'],
  'user.enabled': ['启用用户', 'User enabled'],
  'user.password_reset': ['重置密码', 'Password reset'],
  'user.password_changed': ['本人修改密码', 'Password changed by the user'],
  'client.created': ['新建客户端', 'Client created'],
  'client.revoked': ['吊销客户端', 'Client revoked'],
  'signing_key.rotated': ['轮换签名密钥', 'Signing key rotated'],
}
function actionWord(action: string) {
  const pair = actionWords[action]
  return pair ? t(...pair) : action
}
const fieldWords: Record<string, [string, string]> = {
  name: ['名称', 'name'],
  regionCode: ['行政区划', 'region'],
  scopes: ['权限范围', 'scopes'],
  schoolLevel: ['办学层次', 'school level'],
  reason: ['原因', 'reason'],
  expiresAt: ['有效期至', 'valid until'],
}

/** An entry's detail in words: an edit's fields from → to, a reason, an expiry, memberships. */
function detailWords(detail: Record<string, unknown>, orgs: Map<string, { name: string }>) {
  return Object.entries(detail)
    .map(([k, v]) => {
      const pair = fieldWords[k]
      const name = pair ? t(...pair) : k
      if (k === 'memberships' && Array.isArray(v))
        return (v as { orgId?: string; role?: string }[])
          .map((m) => `${orgs.get(m.orgId ?? '')?.name ?? ''} · ${roleWord(m.role ?? '')}`)
          .join(t('、', ', '))
      if (Array.isArray(v)) return `${name}：${v.map(String).join(', ')}`
      if (v && typeof v === 'object' && 'from' in v && 'to' in v) {
        const c = v as { from: unknown; to: unknown }
        return `${name}：${String(c.from ?? '—')} → ${String(c.to ?? '—')}`
      }
      return `${name}：${k === 'expiresAt' ? fmtDate(String(v)) : typeof v === 'string' ? v : JSON.stringify(v)}`
    })
    .join('；')
}

interface AuditEntry {
  id: string
  at: string
  actor: { id: string; name: string }
  action: string
  target: { kind: string; id: string; label: string }
  ip: string | null
  detail: Record<string, unknown>
}

function Audit() {
  const [f, setF] = useState({ action: '', from: '', to: '' })
  const [query, setQuery] = useState(f)
  const pager = usePager([query])
  const list = useLoad(() => {
    const params = new URLSearchParams({ limit: '30' })
    if (query.action) params.set('action', query.action)
    // Whole days in China's time: from the first day's start to the last day's end.
    if (query.from) params.set('from', `${query.from}T00:00:00+08:00`)
    if (query.to) params.set('to', `${query.to}T23:59:59.999+08:00`)
    if (pager.cursor) params.set('cursor', pager.cursor)
    return api.get<Page<AuditEntry>>(`/v1/audit?${params}`)
  }, [query, pager.cursor])
  const bind = binder(f, setF)
  const orgs = useLoad(() => organizations())
  return (
    <Section title={t('操作日志', 'Audit trail')} id="audit">
      <p class="hint">
        {t(
          '管理员的每项操作：谁、何时、从哪里、对谁做了什么。',
          'Every administrative action: who did what to whom, when and from where.',
        )}
      </p>
      <FilterForm
        label={t('筛选日志', 'Filter the trail')}
        submit={t('筛选', 'Filter')}
        onSubmit={() => setQuery({ ...f })}
      >
        <Select
          label={t('操作', 'Action')}
          {...bind('action')}
          options={[
            ['', t('全部', 'All')],
            ...Object.entries(actionWords).map(([a, words]): [string, string] => [a, t(...words)]),
          ]}
        />
        <Field label={t('从', 'From')} type="date" {...bind('from')} />
        <Field label={t('至', 'To')} type="date" {...bind('to')} />
      </FilterForm>
      <PagedList
        state={list}
        pager={pager}
        empty={t('没有记录。', 'No entries.')}
        caption={t('操作日志', 'Audit trail')}
        scroll={false}
        rowKey={(a) => a.id}
        columns={[
          { label: t('时间', 'When'), cell: (a) => fmtDate(a.at) },
          { label: t('操作人', 'Who'), class: 'nowrap', cell: (a) => a.actor.name },
          { label: t('操作', 'Action'), class: 'nowrap', cell: (a) => actionWord(a.action) },
          { label: t('对象', 'On'), cell: (a) => a.target.label },
          {
            label: t('详情', 'Detail'),
            cell: (a) => detailWords(a.detail, orgs.data ?? new Map()),
          },
          { label: t('来源地址', 'From'), cell: (a) => <span class="small">{a.ip ?? ''}</span> },
        ]}
      />
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
            {t('读取时间', 'Read at')} {fmtDate(state.data.at)}
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
