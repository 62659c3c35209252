import type { FieldError } from '@creditbank/contracts'
import type { EarlierProblems, IssueInput } from './issuance.js'
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
): Promise<ResolvedRequests> {
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
      refused('nationalId', 'name the learner by learnerId or by nationalId, not both')
    else if (!r.learnerId && !r.nationalId)
      refused(
        'nationalId',
        'name the learner: nationalId (with holderName as the name) or learnerId',
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
          ? 'no learner account has this 身份证号 under this name (holderName); the school opens accounts'
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
