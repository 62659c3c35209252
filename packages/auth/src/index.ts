export * from './principal.js'
export * from './keys.js'
export * from './plugin.js'
