export * from './database.js'
export * from './transport.js'
export * from './tokens.js'
export * from './service.js'
