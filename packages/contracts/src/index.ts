export * from './primitives.js'
export * from './events.js'
export * from './errors.js'
