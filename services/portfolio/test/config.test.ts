import { loadConfig } from '@creditbank/service-kit'
import t from 'tap'
import { portfolioConfig } from '../src/config.js'

// Issue 16, bug 9: the base URL goes into every credential's status list and every share link.
t.test('credentials carry https:// addresses, except on this machine alone', async (t) => {
  const env = (url?: string) => ({
    PORTFOLIO_SECRET_KEY: 'ab'.repeat(32),
    SERVICE_CLIENT_SECRET: 'cd'.repeat(16),
    ...(url ? { PUBLIC_BASE_URL: url } : {}),
  })
  t.equal(loadConfig(portfolioConfig, env()).PUBLIC_BASE_URL, 'http://127.0.0.1:3000', 'default')
  for (const ok of [
    'https://creditbank.hn.gov.cn',
    'https://creditbank.example/base',
    'http://localhost:3000',
    'http://127.0.0.1:8080',
  ])
    t.equal(loadConfig(portfolioConfig, env(ok)).PUBLIC_BASE_URL, ok, ok)
  for (const bad of ['http://creditbank.hn.gov.cn', 'http://10.0.0.5:3000', 'ftp://x', 'https://'])
    t.throws(() => loadConfig(portfolioConfig, env(bad)), /PUBLIC_BASE_URL/, bad)
})

// Decision 0730: portfolio asks accounts for the names it shows with a service token.
t.test('SERVICE_CLIENT_SECRET is required, at least 32 characters', async (t) => {
  const base = { PORTFOLIO_SECRET_KEY: 'ab'.repeat(32) }
  t.throws(() => loadConfig(portfolioConfig, base), /SERVICE_CLIENT_SECRET/)
  t.throws(
    () => loadConfig(portfolioConfig, { ...base, SERVICE_CLIENT_SECRET: 'short' }),
    /SERVICE_CLIENT_SECRET/,
  )
})
