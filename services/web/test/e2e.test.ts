// End-to-end, in real headless Chromium (Debian's, driven by playwright-core) against the
// one-process embedded run with its demo data (see e2e/harness.ts). Each role's journeys are a
// module in e2e/; they run in the order below against one server. Runs when E2E=1, or when
// /usr/bin/chromium exists and the suite is not in its Postgres+Kafka pass (DATABASE_URL set):
// the embedded run is what it tests. E2E=0 skips it; E2E_ONLY=learner,pages runs those modules.
// Screenshots of every page visited go to test/artifacts/ (git-ignored).
import { existsSync } from 'node:fs'
import t from 'tap'
import { journey as a11y } from './e2e/a11y.js'
import { journey as accessLog } from './e2e/access-log.js'
import { journey as correction } from './e2e/correction.js'
import { journey as eraseMe } from './e2e/erase-me.js'
import { journey as erasures } from './e2e/erasures.js'
import { CHROMIUM, type Journey, start } from './e2e/harness.js'
import { journey as learner } from './e2e/learner.js'
import { journey as myData } from './e2e/my-data.js'
import { journey as oversight } from './e2e/oversight.js'
import { journey as pages } from './e2e/pages.js'
import { journey as programs } from './e2e/programs.js'
import { journey as registrar } from './e2e/registrar.js'
import { journey as reviewer } from './e2e/reviewer.js'
import { journey as staff } from './e2e/staff.js'
import { journey as whoLooked } from './e2e/who-looked.js'

const journeys: Journey[] = [
  learner,
  a11y,
  registrar,
  pages,
  staff,
  reviewer,
  whoLooked,
  accessLog,
  myData,
  programs,
  oversight,
  correction,
  // Last: it erases a demo learner (李春花) in the one system the journeys share.
  eraseMe,
  // An admin erases a learner of its own making.
  erasures,
]

const enabled =
  process.env.E2E === '1' ||
  (process.env.E2E !== '0' && existsSync(CHROMIUM) && !process.env.DATABASE_URL)
const only = process.env.E2E_ONLY?.split(',').filter(Boolean)

// Not run is reported as a skip, never as a pass. One parent test holds the child process and the
// browser; tap waits for it.
const skip = enabled
  ? false
  : `set E2E=1 (needs ${CHROMIUM}; see services/web/scripts/ensure-chromium.sh)`
t.test('e2e in headless Chromium', { timeout: 1_150_000, skip }, async (t) => {
  const e = await start(t)
  for (const j of journeys) {
    if (only && !only.includes(j.name)) continue
    const began = Date.now()
    await t.test(j.title, (t) => j.run(t, e))
    t.comment(`${j.name}: ${((Date.now() - began) / 1000).toFixed(1)} s`)
  }
})
