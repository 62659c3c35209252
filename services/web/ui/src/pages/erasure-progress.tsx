// An erasure's parts, service by service, in words (decision 0730): what the learner reads on their
// own page and what an admin reads of an erasure they made or look up.
import { useEffect, useState } from 'preact/hooks'
import { ApiError, api } from '../api'
import { t } from '../i18n'
import { fmtDate } from '../ui'

export interface Erasure {
  learnerId: string
  requestedBy: 'learner' | 'admin'
  requestRef: string | null
  requestedAt: string
  services: { service: string; completedAt: string | null }[]
  complete: boolean
}

const serviceWords: Record<string, [string, string]> = {
  accounts: [
    '学分账户（姓名、身份证号、出生日期、学号）',
    'Account (name, national id, birth date, student number)',
  ],
  certificates: ['证书上的持有人姓名', 'The holder name on certificates'],
  recognition: [
    '学分认定申请中的姓名、陈述与材料文件名',
    'Name, statements and file names in applications',
  ],
  portfolio: [
    '时间轴、佐证材料、分享、证明与消息',
    'Timeline, evidence files, shares, records and messages',
  ],
}

/** The short name of a service's part, for a list's cell. */
export const servicePart = (service: string) => {
  const short: Record<string, [string, string]> = {
    accounts: ['学分账户', 'Account'],
    certificates: ['证书', 'Certificates'],
    recognition: ['学分认定', 'Recognition'],
    portfolio: ['时间轴与材料', 'Timeline and files'],
  }
  return t(...(short[service] ?? [service, service]))
}

export function ErasureServices({ erasure }: { erasure: Erasure }) {
  return (
    <ul class="erasure-services" data-testid="erasure-services">
      {erasure.services.map((s) => (
        <li key={s.service}>
          {t(...(serviceWords[s.service] ?? [s.service, s.service]))}
          {t('：', ': ')}
          <strong>
            {s.completedAt
              ? `${t('已完成', 'done')} ${fmtDate(s.completedAt)}`
              : t('进行中', 'in progress')}
          </strong>
        </li>
      ))}
    </ul>
  )
}

/** How long a page keeps asking for each service's part: every 2 s, at most 30 times. */
const POLL_MS = 2_000
const POLL_MAX = 30

/**
 * A learner's erasure as it stands (none: null), asked again every 2 s until every service has
 * done its part or the page has asked 30 times (`gaveUp`: the services keep working, a reload shows).
 * `started` shows an erasure just made and starts asking again.
 */
export function useErasure(learnerId: string) {
  const [erasure, setErasure] = useState<Erasure | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [polls, setPolls] = useState(0)
  useEffect(() => {
    setErasure(null)
    setError(null)
    api
      .get<Erasure>(`/v1/learners/${learnerId}/erasure`)
      .then(setErasure)
      .catch((err) => {
        if (!(err instanceof ApiError && err.problem.status === 404)) setError(err)
      })
  }, [learnerId])
  useEffect(() => {
    if (!erasure || erasure.complete || polls >= POLL_MAX) return
    const timer = setTimeout(() => {
      api
        .get<Erasure>(`/v1/learners/${learnerId}/erasure`)
        .then(setErasure)
        .catch(setError)
        .finally(() => setPolls((n) => n + 1))
    }, POLL_MS)
    return () => clearTimeout(timer)
  }, [erasure, polls, learnerId])
  return {
    erasure,
    error,
    gaveUp: !!erasure && !erasure.complete && polls >= POLL_MAX,
    started(e: Erasure) {
      setErasure(e)
      setPolls(0)
    },
  }
}
