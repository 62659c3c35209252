export * from './database.js'
export * from './json-rows.js'
export * from './migrate.js'
export * from './unavailable.js'
