import { runService } from '@creditbank/service-kit'
import { definition } from './definition.js'

await runService(definition)
