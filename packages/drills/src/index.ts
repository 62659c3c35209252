export * from './api.js'
export * from './postings.js'
