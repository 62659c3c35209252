import type { Journey } from './harness.js'

export const journey: Journey = {
  name: 'registrar',
  title: "a registrar's CSV upload: every bad row explained, nothing written",
  async run(t, e) {
    const registrar = await e.newPage()
    await e.signIn(registrar, 'registrar.zzrvc')
    // A learner of this school, from its enrollment page.
    await registrar.goto('/#/registrar')
    await registrar.getByLabel('身份证号').fill(e.nationalId())
    await registrar.getByLabel('姓名').fill('批量学员')
    await registrar.getByRole('button', { name: '提交' }).click()
    const learnerId = (await registrar.getByTestId('learner-id').textContent())?.trim() ?? ''
    const csv = [
      'learnerId,kind,title,code,credits,hours,gradeScore,gradeScale,occurredOn,externalRef',
      `${learnerId},course,机械制图,RL1101,3,48,88,100,2025-06-30,E2E-OK-1`,
      `${learnerId},course,电工电子技术,RL1102,abc,64,90,100,2025-06-30,E2E-BAD-1`,
      `${learnerId},course,,RL1201,2,32,75,100,2025-06-30,E2E-BAD-2`,
      `${learnerId},course,铁道概论,RL1201,2,32,75,100,2099-01-01,E2E-BAD-3`,
    ].join('\n')
    await registrar.goto('/#/registrar/batch')
    await registrar.getByLabel('或直接粘贴CSV内容').fill(csv)
    await registrar.getByRole('button', { name: '上传并校验' }).click()
    const table = registrar.locator('table.bad-rows')
    await table.waitFor()
    await e.screenshot(registrar, 'registrar-csv-bad-rows')
    const lines = await table
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-line'))))
    t.same(lines, [3, 4, 5], 'each bad row is named by its line in the file')
    t.ok(await registrar.getByText('未写入任何记录').isVisible(), 'nothing was written')
    // The good row alone goes through.
    await registrar.getByLabel('或直接粘贴CSV内容').fill(csv.split('\n').slice(0, 2).join('\n'))
    await registrar.getByRole('button', { name: '上传并校验' }).click()
    await registrar.getByText('导入成功').waitFor()
    await e.screenshot(registrar, 'registrar-csv-ok')
    await registrar.goto('/#/registrar/reverse')
    await registrar.getByRole('heading', { name: '冲正一条记录' }).waitFor()
    await e.screenshot(registrar, 'registrar-reverse')
    await registrar.context().close()
  },
}
