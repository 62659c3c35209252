import { defineErrors } from '@creditbank/contracts'

export const oversightErrors = defineErrors({
  OVERSIGHT_FORBIDDEN: [
    'forbidden',
    'Oversight figures are for the province’s administrators and the admins of a recognition center',
    '监管统计仅供省级管理员和学分认证中心管理员查看',
  ],
  OVERSIGHT_REGION_OUT_OF_SCOPE: [
    'forbidden',
    'This region is outside the one you oversee',
    '这个地区不在你的监管范围内',
  ],
  OVERSIGHT_PERIOD_INVALID: [
    'bad_request',
    'Ask for a year or a term, not both',
    '请选择年度或学期其中之一',
  ],
})
