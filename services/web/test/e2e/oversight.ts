import { adultEnrollments, enrollments, schools, schoolTrainings } from '../../../../seeds/data.js'
import { accessible, type Journey } from './harness.js'

// The oversight page (decision 0800): the 2× figures of 2025 as the demo data makes them, computed
// here from the seeds, read by the province's admin in Chinese at a desk and by Zhengzhou's
// recognition center admin on a phone in English (Zhengzhou only).

const regionOf = (code: string) => schools.find((o) => o.code === code)?.regionCode ?? ''
const schoolCodes = schools.map((o) => o.code)

/** A school's (or a city's, by region prefix) 2025 figures from the seed lists. */
function expected(where: (code: string) => boolean) {
  const trained = schoolTrainings.filter(([, org, , , on]) => where(org) && on.startsWith('2025'))
  const intake = new Set(
    [...enrollments, ...adultEnrollments]
      .filter(([, org, , , on]) => where(org) && on.startsWith('2025'))
      .map(([key]) => key),
  ).size
  const personTimes = trained.length
  return {
    personTimes,
    people: new Set(trained.map(([key]) => key)).size,
    hours: trained.reduce((s, [, , , h]) => s + Number(h), 0).toFixed(1),
    intake,
    ratio: intake ? `${(Math.round((personTimes * 100) / intake) / 100).toFixed(2)}×` : '—',
  }
}

const nameOf = (code: string) => schools.find((o) => o.code === code)?.name ?? code

export const journey: Journey = {
  name: 'oversight',
  title: 'the province’s and a city’s administrators read the 2× figures of the demo data',
  async run(t, e) {
    const admin = await e.newPage()
    await e.signIn(admin, 'admin', e.secrets.BOOTSTRAP_ADMIN_PASSWORD!)
    await admin.goto('/#/admin/oversight')
    const total = admin.getByTestId('training-total')
    await total.waitFor()
    const province = expected((code) => schoolCodes.includes(code))
    const summary = (await total.textContent()) ?? ''
    t.ok(
      summary.includes(
        `共开展培训 ${province.personTimes} 人次（${province.people} 人，${province.hours} 学时），同期入学 ${province.intake} 人，培训量为入学人数的 ${province.ratio}`,
      ),
      `the province’s 2025 total: ${summary}`,
    )
    await admin
      .getByTestId('training-as-of')
      .getByText(/数据截至 \d{4}\/\d\d\/\d\d/)
      .waitFor()
    for (const code of ['HN-HNVC', 'HN-HNIS', 'HN-HAUST', 'HN-HOU']) {
      const want = expected((c) => c === code)
      const row = admin.locator('table.oversight-schools tr', { hasText: nameOf(code) })
      const cells = (await row.locator('td').allTextContents()).map((s) => s.trim())
      t.same(
        cells.slice(2, 7),
        [
          String(want.personTimes),
          String(want.people),
          want.hours,
          String(want.intake),
          want.ratio,
        ],
        `${nameOf(code)}: ${cells.join(' | ')}`,
      )
    }
    await admin.locator('.chart svg text', { hasText: '2 倍' }).first().waitFor()
    t.pass('the ratio chart draws its 2× line with a Chinese label')
    await e.screenshot(admin, 'admin-oversight-training')
    await accessible(t, admin, 'the training oversight')

    // A filter: Luoyang's schools only.
    await admin.getByLabel('城市', { exact: true }).selectOption('410300')
    await admin.getByRole('button', { name: '统计', exact: true }).first().click()
    const luoyang = expected((code) => regionOf(code).startsWith('4103'))
    await admin
      .getByTestId('training-total')
      .getByText(/洛阳市学校/)
      .waitFor()
    const luoyangText = (await admin.getByTestId('training-total').textContent()) ?? ''
    t.ok(luoyangText.includes(`共开展培训 ${luoyang.personTimes} 人次`), `Luoyang: ${luoyangText}`)

    // Every table downloads.
    const [file] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByRole('button', { name: '下载 CSV（各学校）' }).click(),
    ])
    t.equal(file.suggestedFilename(), '各学校.csv', 'the schools’ table as CSV')
    await admin.context().close()

    // Zhengzhou's recognition center admin, on a phone, in English: Zhengzhou's figures only.
    const phone = await e.newPage({ phone: true, lang: 'en' })
    await e.signIn(phone, 'orgadmin.zz')
    await phone.goto('/#/admin/oversight')
    const zz = expected((code) => regionOf(code).startsWith('4101'))
    const zzText = (await phone.getByTestId('training-total').textContent()) ?? ''
    t.ok(
      zzText.includes(
        `schools in Zhengzhou trained ${zz.personTimes} person-times (${zz.people} people, ${zz.hours} hours) against an intake of ${zz.intake}, a ratio of ${zz.ratio}`,
      ),
      `Zhengzhou’s admin: ${zzText}`,
    )
    t.equal(
      await phone.locator('table.oversight-schools tr', { hasText: nameOf('HN-HAUST') }).count(),
      0,
      'no Luoyang school for Zhengzhou’s admin',
    )
    t.ok(await e.fitsWidth(phone), 'the oversight page fits a phone')
    await e.screenshot(phone, 'admin-oversight-training-phone-en')
    await accessible(t, phone, 'the training oversight on a phone in English')
    await phone.context().close()
  },
}
