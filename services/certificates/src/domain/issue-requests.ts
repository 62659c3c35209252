import type { FieldError, Lang } from '@creditbank/contracts'
import { type EarlierProblems, type IssueInput, sayer } from './issuance.js'
import type { LearnerDirectory } from './learner-directory.js'

/** An issuance as asked: the learner by `learnerId`, or by `nationalId` with `holderName` as the name. */
export interface IssueRequest extends Omit<IssueInput, 'learnerId'> {
  learnerId?: string
  nationalId?: string
}

/** Stands in for a learner that was not found; such rows already carry their error. */
const NOBODY = '00000000-0000-0000-0000-000000000000'

export interface ResolvedRequests {
  inputs: IssueInput[]
  earlier: EarlierProblems
  /** The account number of each row's learner, where accounts found it by 身份证号. */
  accountNos: (string | null)[]
}

/**
 * Finds the learners of rows named by 身份证号 + name, in one look-up at accounts before any
 * transaction opens (no row lock waits on the network). Rows it cannot place get their error
 * here; issuance then checks everything else and reports all problems together.
 */
export async function resolveRequests(
  requests: IssueRequest[],
  directory: LearnerDirectory,
  authorization: string,
  path: (i: number) => string,
  lang?: Lang,
): Promise<ResolvedRequests> {
  const say = sayer(lang)
  const errors: FieldError[] = []
  const unresolved = new Set<number>()
  const lookedUp = new Set<number>()
  const wanted: { index: number; nationalId: string; name: string }[] = []
  requests.forEach((r, i) => {
    const refused = (field: string, message: string) => {
      errors.push({ path: `${path(i)}/${field}`, message })
      unresolved.add(i)
    }
    if (r.learnerId && r.nationalId)
      refused(
        'nationalId',
        say(
          'name the learner by learnerId or by nationalId, not both',
          '学习者只能按身份证号或学习者编号之一指定',
        ),
      )
    else if (!r.learnerId && !r.nationalId)
      refused(
        'nationalId',
        say(
          'name the learner: nationalId (with holderName as the name) or learnerId',
          '请填写学习者的身份证号和姓名',
        ),
      )
    else if (r.nationalId) wanted.push({ index: i, nationalId: r.nationalId, name: r.holderName })
  })
  const found = wanted.length
    ? await directory.resolve(
        wanted.map(({ nationalId, name }) => ({ nationalId, name })),
        authorization,
      )
    : []
  const learnerIds = requests.map((r) => r.learnerId ?? NOBODY)
  const accountNos: (string | null)[] = requests.map(() => null)
  wanted.forEach((w, k) => {
    const f = found[k]!
    if (f.id !== null) {
      learnerIds[w.index] = f.id
      accountNos[w.index] = f.accountNo
      lookedUp.add(w.index)
      return
    }
    unresolved.add(w.index)
    errors.push({
      path: `${path(w.index)}/nationalId`,
      message:
        f.error.code === 'ACCOUNTS_LEARNER_NOT_FOUND'
          ? say(
              'no learner account has this 身份证号 under this name (holderName); the school opens accounts',
              '没有这个身份证号和姓名的学习账户（学习账户由学校开立）',
            )
          : f.error.code === 'ACCOUNTS_NATIONAL_ID_INVALID'
            ? say(f.error.message, '不是有效的 18 位居民身份证号（请核对位数和末位校验码）')
            : f.error.message,
    })
  })
  const inputs = requests.map(
    ({ nationalId: _n, learnerId: _l, ...rest }, i): IssueInput => ({
      ...rest,
      learnerId: learnerIds[i]!,
    }),
  )
  return { inputs, earlier: { errors, unresolved, lookedUp }, accountNos }
}
