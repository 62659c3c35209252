import { definition as identity } from '@creditbank/identity/definition'

/** Every service the one-process run starts, in start order (identity first: the others read its keys). */
export const services = [identity]
