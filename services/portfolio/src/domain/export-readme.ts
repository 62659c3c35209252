import type { ExportManifest } from './export.js'

/** What each file of the archive is, in Chinese and in English. */
const DESCRIPTIONS: [RegExp, string, string][] = [
  [/^README\.txt$/, '本说明', 'This note'],
  [
    /^manifest\.json$/,
    '文件清单：每个文件的说明、条目数、字节数和 SHA-256 摘要',
    'The list of files: what each is, how many items, its size and SHA-256 digest',
  ],
  [
    /^identity\/user\.json$/,
    '登录账号：用户名、显示名称、所属机构及角色、创建时间、最近一次登录时间',
    'Your sign-in account: username, display name, organizations and roles, when it was made, when you last signed in',
  ],
  [
    /^accounts\/learner\.json$/,
    '学习账户的基本信息（姓名、账号、类别、开户机构；身份证号按账户页面的方式部分隐藏）',
    'Your account: name, account number, category, opening organization (the 身份证号 masked as on your account page)',
  ],
  [
    /^accounts\/account\.json$/,
    '账户余额：学分、学时、记录条数和账本哈希链的最新摘要',
    'Balances: credits, hours, the number of entries and the head of the ledger’s hash chain',
  ],
  [/^accounts\/chain\.json$/, '账本哈希链的校验结果', 'The check of your ledger’s hash chain'],
  [
    /^accounts\/entries\.json$/,
    '学分账本的全部记录（课程、培训、竞赛、证书、认定学分、冲正），含每条的哈希',
    'Every ledger entry (courses, training, competitions, certificates, recognized credits, reversals) with its hash',
  ],
  [/^accounts\/enrollments\.json$/, '在读/就读记录', 'Your enrollments in programs'],
  [
    /^accounts\/access-log\.json$/,
    '谁查看了我的信息：工作人员查看您个人信息的记录（时间、机构、角色、查看内容）',
    'Who looked: every read of your personal data by staff (when, organization, role, what)',
  ],
  [
    /^accounts\/corrections\.json$/,
    '您的姓名或身份证号的更正记录：时间、更正的机构、更正了什么、更正前的值（身份证号部分隐藏）和原因',
    'Corrections of your name or national id: when, by which organization, what, the value before (the number masked) and why',
  ],
  [
    /^certificates\/certificates\.json$/,
    '颁发给您的 1+X 职业技能等级证书（含状态、撤销原因）',
    'The 1+X vocational skill certificates issued to you (with status and any revocation)',
  ],
  [
    /^recognition\/applications\.json$/,
    '学习成果认定申请及其完整审核轨迹',
    'Your recognition applications, each with its full review trail',
  ],
  [
    /^portfolio\/timeline\.json$/,
    '终身学习电子档案的时间线，每项附来源',
    'The timeline of your lifelong learning archive, each item with its provenance',
  ],
  [
    /^portfolio\/evidence\.json$/,
    '佐证材料清单（文件名、类型、大小、SHA-256、在压缩包中的位置）',
    'Your evidence files: name, type, size, SHA-256 and where each is in this archive',
  ],
  [/^portfolio\/evidence\/.+$/, '佐证材料文件本身', 'An evidence file itself'],
  [
    /^portfolio\/shares\.json$/,
    '分享链接及每次访问的记录（时间、浏览器、地址）',
    'Your share links and every access to them (when, browser, address)',
  ],
  [
    /^portfolio\/credentials-issued\.json$/,
    '已签发的可验证凭证：每条记录的签发机构、DID 和撤销状态',
    'The verifiable credentials issued for your entries: issuer, DID and revocation status',
  ],
  [
    /^portfolio\/notifications\.json$/,
    '系统发给您的全部消息（含已读时间）',
    'Every notification sent to you, with when you read it',
  ],
  [
    /^portfolio\/printed-records\.json$/,
    '打印过的学习成果证明（每份的内容和验证码）',
    'Every 学习成果证明 printed, with what it said and its verification code',
  ],
  [
    /^clr-credential\.json$/,
    '全部学习成果的 CLR 2.0 可验证凭证（由学分银行签名，内含各机构签名的凭证）',
    'Your whole record as a CLR 2.0 verifiable credential, signed by the credit bank, each entry signed by its organization',
  ],
  [
    /^learning-record\.pdf$/,
    '学习成果证明（PDF，可扫码验证）',
    'The printable learning record (学习成果证明, PDF) with its verification QR code',
  ],
]

export function describe(path: string): { zh: string; en: string } {
  const found = DESCRIPTIONS.find(([pattern]) => pattern.test(path))
  return found ? { zh: found[1], en: found[2] } : { zh: '', en: '' }
}

/** README.txt: what the archive is and what each file holds, in Chinese, then in English. */
export function readme(m: ExportManifest): Buffer {
  const listed = m.files.filter((f) => !f.path.startsWith('portfolio/evidence/'))
  const files = m.files.length - listed.length
  const line = (lang: 'zh' | 'en') =>
    listed
      .map(
        (f) =>
          `  ${f.path}${f.items !== undefined ? (lang === 'zh' ? `（${f.items} 项）` : ` (${f.items} items)`) : ''}\n      ${f.description[lang]}`,
      )
      .concat(
        files > 0
          ? [
              lang === 'zh'
                ? `  portfolio/evidence/（${files} 个文件）\n      ${describe('portfolio/evidence/x').zh}`
                : `  portfolio/evidence/ (${files} files)\n      ${describe('portfolio/evidence/x').en}`,
            ]
          : [],
      )
      .join('\n')
  const text = `学分银行 · 我的全部数据
==========================

这是学分银行保存的关于您（账号 ${m.accountNo ?? m.learnerId}）的全部数据，生成于 ${m.exportedAt}（UTC）。
数据由各个服务（身份认证、账户、证书、学分认定、学习档案）通过其接口以您本人的身份提供，完整无缺；任何一个服务
未能提供时不会生成压缩包。JSON 文件均为 UTF-8 编码；时间为 UTC（RFC 3339），学分和学时为字符串形式的十进制数。

文件：
${line('zh')}

Credit Bank · A copy of all my data
===================================

Everything the credit bank holds about you (account ${m.accountNo ?? m.learnerId}), made at
${m.exportedAt} (UTC). Each service (identity, accounts, certificates, recognition, portfolio)
gave its part through its API, asked with your own sign-in; if any one of them could not, no
archive is made.
JSON files are UTF-8; times are UTC (RFC 3339); credits and hours are decimals written as strings.

Files:
${line('en')}
`
  return Buffer.from(text, 'utf8')
}
