import { useState } from 'preact/hooks'
import { ApiError, api, auth } from '../api'
import { t, w } from '../i18n'
import { errorsByPath, Field, Form } from '../ui'

function homeOf(roles: string[]) {
  for (const r of ['admin', 'reviewer', 'issuer', 'registrar', 'learner'])
    if (roles.includes(r)) return `#/${r}`
  // An organization's admin (no role of their own there) administers its people.
  return auth.administers() ? '#/admin' : '#/learner'
}

export function Home() {
  const s = auth.current
  return (
    <div>
      <section class="hero card">
        <h1>
          {t('河南省学分银行 · 终身学习账户', 'Henan Credit Bank · lifelong learning account')}
        </h1>
        <p>
          {t(
            '每位学习者一个终身学习账户：课程学分、培训学时、竞赛获奖、1+X职业技能等级证书都记在账上，按互认标准在学校之间认定转换，随时可以分享和验证。',
            'One lifelong account per learner: course credits, training hours, awards and 1+X certificates, recognized between schools by published standards, shareable and verifiable.',
          )}
        </p>
        {s ? (
          <a class="button" href={homeOf(s.claims.roles)}>
            {t('进入我的工作台', 'Go to my workspace')}
          </a>
        ) : (
          <p class="actions">
            <a class="button" href="#/login">
              {t('登录', 'Sign in')}
            </a>
            <a class="button secondary" href="#/signup">
              {t('学习者注册', 'Learner sign-up')}
            </a>
          </p>
        )}
      </section>
      <div class="grid">
        <section class="card">
          <h2>{t('学习者', 'Learners')}</h2>
          <p>
            {t(
              '认领账户，查看账单与时间轴，跟踪认定申请，模拟“如果…会认定多少学分”，生成分享链接与可验证凭证。',
              'Claim your account, read your statement and timeline, follow applications, simulate recognition, share and download verifiable credentials.',
            )}
          </p>
        </section>
        <section class="card">
          <h2>{t('院校与培训机构', 'Schools and training bodies')}</h2>
          <p>
            {t(
              '为学习者开户、登记专业，录入学习成果，批量导入CSV并逐行查看错误，冲正错误记录。',
              'Open accounts, enroll, post outcomes, upload CSV batches with every bad row explained, reverse entries.',
            )}
          </p>
        </section>
        <section class="card">
          <h2>{t('认证中心', 'Recognition centers')}</h2>
          <p>
            {t(
              '按到期时间处理审核队列，查看证据与规则说明，维护互认标准的新版本并模拟。',
              'Work the review queue by due date with evidence and rule explanations; keep versioned standards and simulate them.',
            )}
          </p>
        </section>
        <section class="card">
          <h2>{t('公众查验', 'Public checks')}</h2>
          <p>
            <a href="#/verify">{t('1+X证书查验', 'Verify a 1+X certificate')}</a> ·{' '}
            <a href="#/verify-credential">{t('验证凭证文件', 'Verify a credential file')}</a>
          </p>
        </section>
      </div>
    </div>
  )
}

function nextFromHash(fallback: string) {
  const q = location.hash.split('?')[1] ?? ''
  const next = new URLSearchParams(q).get('next')
  return next?.startsWith('#/') && !next.startsWith('#/login') ? next : fallback
}

export function SignIn() {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [mustChange, setMustChange] = useState(false)
  if (mustChange)
    return (
      <NewPassword
        username={username.trim()}
        password={password}
        onBack={() => {
          setPassword('')
          setMustChange(false)
        }}
      />
    )
  return (
    <section class="card narrow">
      <h1>{t('登录', 'Sign in')}</h1>
      <Form
        label={t('登录', 'Sign in')}
        submit={t('登录', 'Sign in')}
        onSubmit={async () => {
          try {
            await auth.signIn(username.trim(), password)
          } catch (err) {
            // A reset password signs in only to choose a new one (decision 0531).
            if (
              err instanceof ApiError &&
              err.problem.code === 'IDENTITY_PASSWORD_CHANGE_REQUIRED'
            ) {
              setMustChange(true)
              return
            }
            throw err
          }
          location.hash = nextFromHash(homeOf(auth.current?.claims.roles ?? []))
        }}
      >
        <Field
          label={t('用户名', 'Username')}
          name="username"
          value={username}
          onInput={setUsername}
          required
          autoComplete="username"
        />
        <Field
          label={t('密码', 'Password')}
          name="password"
          type="password"
          value={password}
          onInput={setPassword}
          required
          autoComplete="current-password"
        />
      </Form>
      <p>
        {t('还没有账号？', 'No account yet?')}{' '}
        <a href="#/signup">{t('学习者注册', 'Sign up as a learner')}</a>
      </p>
    </section>
  )
}

/** After an admin reset: the temporary password and a new one, then signed in. */
function NewPassword(props: { username: string; password: string; onBack: () => void }) {
  const [next, setNext] = useState('')
  const [again, setAgain] = useState('')
  const [mismatch, setMismatch] = useState('')
  return (
    <section class="card narrow">
      <h1>{t('设置新密码', 'Choose a new password')}</h1>
      <p>
        {t(
          `管理员已重置 ${props.username} 的密码。请设置一个只有你知道的新密码，之后用新密码登录。`,
          `An administrator reset the password of ${props.username}. Choose a new one that only you know; you sign in with it from now on.`,
        )}
      </p>
      <Form
        label={t('设置新密码', 'Choose a new password')}
        submit={t('保存并登录', 'Save and sign in')}
        onSubmit={async () => {
          setMismatch('')
          if (next !== again) {
            setMismatch(t('两次输入的新密码不一致', 'The two entries differ'))
            return
          }
          await auth.changePassword(props.username, props.password, next)
          location.hash = nextFromHash(homeOf(auth.current?.claims.roles ?? []))
        }}
      >
        <Field
          label={t('新密码', 'New password')}
          name="newPassword"
          type="password"
          value={next}
          onInput={setNext}
          required
          autoComplete="new-password"
          hint={t('至少 10 个字符', 'At least 10 characters')}
        />
        <Field
          label={t('再次输入新密码', 'New password again')}
          name="newPasswordAgain"
          type="password"
          value={again}
          onInput={setAgain}
          required
          autoComplete="new-password"
          error={mismatch || undefined}
        />
      </Form>
      <p>
        <button type="button" class="link" onClick={props.onBack}>
          {t('返回登录', 'Back to sign-in')}
        </button>
      </p>
    </section>
  )
}

export function SignUp() {
  const [f, setF] = useState({ username: '', password: '', displayName: '' })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v })
  return (
    <section class="card narrow">
      <h1>{t('学习者注册', 'Learner sign-up')}</h1>
      <p>
        {t(
          `注册后即可认领您的${w('learner')}账户。`,
          'After signing up you can claim your learning account.',
        )}
      </p>
      <Form
        label={t('学习者注册', 'Learner sign-up')}
        submit={t('注册', 'Sign up')}
        onSubmit={async () => {
          setErrors({})
          try {
            await api.anon('POST', '/v1/auth/register', {
              username: f.username.trim(),
              password: f.password,
              displayName: f.displayName.trim(),
            })
          } catch (err) {
            setErrors(errorsByPath(err))
            throw err
          }
          await auth.signIn(f.username.trim(), f.password)
          location.hash = '#/learner/claim'
        }}
      >
        <Field
          label={t('用户名', 'Username')}
          name="username"
          value={f.username}
          onInput={set('username')}
          required
          autoComplete="username"
          hint={t('3–64位字母、数字或 . _ @ -', '3–64 letters, digits or . _ @ -')}
          error={errors.username}
        />
        <Field
          label={t('姓名（显示名）', 'Display name')}
          name="displayName"
          value={f.displayName}
          onInput={set('displayName')}
          required
          error={errors.displayName}
        />
        <Field
          label={t('密码', 'Password')}
          name="password"
          type="password"
          value={f.password}
          onInput={set('password')}
          required
          autoComplete="new-password"
          hint={t('至少10位', 'At least 10 characters')}
          error={errors.password}
        />
      </Form>
    </section>
  )
}
