import { defineErrors } from '@creditbank/contracts'

export const portfolioErrors = defineErrors({
  PORTFOLIO_LEARNER_FORBIDDEN: [
    'forbidden',
    'Only the learner themself (or an admin, where allowed) may see this',
  ],
  PORTFOLIO_NOT_A_LEARNER: ['forbidden', 'This needs a learner token with a claimed account'],
  PORTFOLIO_ENTRY_NOT_FOUND: ['not_found', 'No such entry in this learner’s record'],
  PORTFOLIO_ENTRY_REVOKED: [
    'conflict',
    'The entry was reversed or its certificate revoked; no credential is issued for it',
  ],
  PORTFOLIO_RECORD_EMPTY: ['conflict', 'The record holds nothing to export yet'],
  PORTFOLIO_STATUS_LIST_NOT_FOUND: ['not_found', 'No such status list'],
  PORTFOLIO_CREDENTIAL_INVALID: ['bad_request', 'The credential cannot be issued'],
  PORTFOLIO_CONTEXT_UNKNOWN: [
    'bad_request',
    'The credential uses a JSON-LD context this service does not hold (nothing is fetched)',
  ],
  PORTFOLIO_ISSUER_MISMATCH: [
    'bad_request',
    'The credential names an issuer other than the caller’s signing identity',
  ],
  PORTFOLIO_CREDENTIAL_NOT_FOUND: [
    'not_found',
    'This issuer has issued no credential with this id through the VC API',
  ],
  PORTFOLIO_STATUS_FINAL: ['conflict', 'The credential is revoked; a revocation cannot be undone'],
  PORTFOLIO_ISSUER_UNKNOWN: [
    'forbidden',
    'A system client must act for an organization to issue credentials',
  ],
  PORTFOLIO_EVIDENCE_TYPE_UNSUPPORTED: [
    'unsupported_media',
    'Only PDF, PNG and JPEG files are accepted (judged by their bytes)',
  ],
  PORTFOLIO_EVIDENCE_EMPTY: ['bad_request', 'The file is empty'],
  PORTFOLIO_EVIDENCE_PDF_INVALID: [
    'invalid',
    'The PDF cannot be read: it is damaged, cut short or not really a PDF',
  ],
  PORTFOLIO_EVIDENCE_PDF_ENCRYPTED: [
    'invalid',
    'The PDF is encrypted or password-protected; upload a copy without a password',
  ],
  PORTFOLIO_EVIDENCE_PDF_SCRIPT: [
    'invalid',
    'The PDF contains JavaScript, a launch action or an XFA form; upload a plain copy (print to PDF)',
  ],
  PORTFOLIO_EVIDENCE_IMAGE_INVALID: [
    'invalid',
    'The image cannot be read: it is damaged, cut short or not really a PNG or JPEG',
  ],
  PORTFOLIO_EVIDENCE_IMAGE_TOO_LARGE: ['too_large', 'The image has too many pixels'],
  PORTFOLIO_EVIDENCE_NOT_FOUND: ['not_found', 'No such evidence file'],
  PORTFOLIO_SHARE_NOT_FOUND: ['not_found', 'No such share'],
  PORTFOLIO_SHARE_EXPIRY_INVALID: [
    'invalid',
    'The expiry must be in the future and at most one year away',
  ],
  PORTFOLIO_SHARE_ENTRIES_INVALID: [
    'invalid',
    'Some selected entries are not in this learner’s record',
  ],
  PORTFOLIO_SHARE_LINK_GONE: [
    'conflict',
    'This share is revoked or expired, or was made before links were kept; make a new one',
  ],
  PORTFOLIO_RECORD_NOT_FOUND: ['not_found', 'No printed record has this code'],
  PORTFOLIO_SHARED_VIEW_GONE: ['not_found', 'This link is unknown, expired or revoked'],
})
