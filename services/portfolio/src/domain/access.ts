import type { Principal } from '@creditbank/auth'
import { portfolioErrors } from './errors.js'

/** Self (the learner of the token) or, where the table allows it, a platform admin. */
export function assertSelf(p: Principal, learnerId: string, allowAdmin: boolean) {
  if (p.learner === learnerId && p.roles.includes('learner')) return
  if (allowAdmin && p.roles.includes('admin')) return
  throw portfolioErrors.PORTFOLIO_LEARNER_FORBIDDEN()
}

/** The caller's own learner id; shares and evidence are the learner's own acts. */
export function selfLearner(p: Principal): string {
  if (!p.learner || !p.roles.includes('learner')) throw portfolioErrors.PORTFOLIO_NOT_A_LEARNER()
  return p.learner
}
