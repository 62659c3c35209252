export * from './database.js'
export * from './service.js'
export * from './tokens.js'
export * from './transport.js'
