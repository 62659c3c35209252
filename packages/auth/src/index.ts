export * from './keys.js'
export * from './plugin.js'
export * from './principal.js'
