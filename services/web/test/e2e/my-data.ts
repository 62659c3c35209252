import { readFile } from 'node:fs/promises'
import { strFromU8, unzipSync } from 'fflate'
import { accessible, type Journey, type Page, type Tap } from './harness.js'

/** The files every copy holds, whatever the learner has (decisions 0721, 0722). */
const EXPECTED = [
  'README.txt',
  'manifest.json',
  'identity/user.json',
  'accounts/learner.json',
  'accounts/account.json',
  'accounts/chain.json',
  'accounts/entries.json',
  'accounts/enrollments.json',
  'accounts/access-log.json',
  'certificates/certificates.json',
  'recognition/applications.json',
  'portfolio/timeline.json',
  'portfolio/evidence.json',
  'portfolio/shares.json',
  'portfolio/credentials-issued.json',
  'portfolio/notifications.json',
  'portfolio/printed-records.json',
  'clr-credential.json',
  'learning-record.pdf',
]

/** Clicks the button, waits for the browser's download, and opens the zip it saved. */
async function downloadZip(t: Tap, page: Page, button: string) {
  const [saved] = await Promise.all([
    page.waitForEvent('download', { timeout: 90_000 }),
    page.getByRole('button', { name: button }).click(),
  ])
  t.match(saved.suggestedFilename(), /^creditbank-my-data-\d{4}-\d\d-\d\d\.zip$/)
  const path = await saved.path()
  return unzipSync(new Uint8Array(await readFile(path)))
}

/**
 * A copy of all my data: a demo learner with years of history downloads it from the account page
 * at a desk (1366 px, Chinese) and from beside "who looked" on a phone (390 px, English); the zip
 * holds every service's part, each JSON file parses, the README is in both languages.
 */
export const journey: Journey = {
  name: 'my-data',
  title: 'a learner downloads all their data as one zip, at a desk in Chinese and on a phone',
  async run(t, e) {
    const desk = await e.newPage()
    await desk.setViewportSize({ width: 1366, height: 900 })
    await e.signIn(desk, 'learner.wang')
    await desk.goto('/#/learner')
    await desk.getByRole('heading', { name: '我的全部数据' }).waitFor()
    await desk.getByRole('heading', { name: '我的全部数据' }).scrollIntoViewIfNeeded()
    await e.screenshot(desk, 'learner-my-data')
    const files = await downloadZip(t, desk, '下载我的全部数据')
    for (const path of EXPECTED) t.ok(files[path], `the zip holds ${path}`)
    const manifest = JSON.parse(strFromU8(files['manifest.json']!))
    t.equal(manifest.complete, true, 'the manifest says it is whole')
    t.same(
      Object.keys(files).sort(),
      [
        'README.txt',
        'manifest.json',
        ...manifest.files.map((f: { path: string }) => f.path),
      ].sort(),
      'and lists every file in it',
    )
    for (const path of Object.keys(files).filter((p) => p.endsWith('.json')))
      t.doesNotThrow(() => JSON.parse(strFromU8(files[path]!)), `${path} parses`)
    t.equal(JSON.parse(strFromU8(files['accounts/learner.json']!)).name, '王晓明')
    const user = JSON.parse(strFromU8(files['identity/user.json']!))
    t.ok(user.user.username && user.learner, 'identity’s sign-in account, linked to the learner')
    t.ok(JSON.parse(strFromU8(files['accounts/entries.json']!)).length > 0, 'years of entries')
    t.ok(
      strFromU8(files['portfolio/shares.json']!).includes('投递简历'),
      'the share the learner made',
    )
    const readme = strFromU8(files['README.txt']!)
    t.ok(
      readme.includes('我的全部数据') && readme.includes('A copy of all my data'),
      'README zh+en',
    )
    t.equal(strFromU8(files['learning-record.pdf']!.subarray(0, 5)), '%PDF-')
    await desk.getByText('已下载。').waitFor()
    t.ok(await e.fitsWidth(desk), 'the account page fits 1366 px')
    await accessible(t, desk, 'the account page with all my data')
    await desk.context().close()

    const phone = await e.newPage({ phone: true, lang: 'en' })
    await e.signIn(phone, 'learner.wang')
    await phone.goto('/#/learner/who-looked')
    await phone.getByRole('heading', { name: 'All my data' }).waitFor()
    await phone.getByRole('heading', { name: 'All my data' }).scrollIntoViewIfNeeded()
    const onPhone = await downloadZip(t, phone, 'Download all my data')
    for (const path of EXPECTED) t.ok(onPhone[path], `on a phone too: ${path}`)
    await phone.getByText('Downloaded.').waitFor()
    t.ok(await e.fitsWidth(phone), 'fits a phone (390 px)')
    await e.screenshot(phone, 'learner-my-data-phone-en')
    await accessible(t, phone, 'all my data, in English on a phone')
    await phone.context().close()
  },
}
