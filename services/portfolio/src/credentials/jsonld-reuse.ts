import { createRequire } from 'node:module'

/**
 * Lets jsonld reuse the active contexts it has already processed.
 *
 * Open Badges 3.0 and VC 2.0 put type-scoped contexts on almost every type (AchievementCredential,
 * Achievement, Profile, BitstringStatusListEntry, DataIntegrityProof, …). jsonld 9.0.0 applies a
 * type-scoped context by first deep-cloning the whole active context (every term definition, scoped
 * contexts included) and then looks the result up in its processed-context cache keyed by that fresh
 * clone, which never hits (jsonld.js issue #414, open): each canonicalization re-processes and
 * re-clones every scoped context. That was most of the CPU of issuing and verifying eddsa-rdfc-2022
 * credentials (docs/decisions/0400-portfolio-credentials.md).
 *
 * Three changes, each keeping the algorithm's results:
 * - `clone` copies the term map and the protected set shallowly: term definitions are never changed
 *   after they are made (a redefinition replaces the entry in the clone's own map), and processed
 *   contexts are already shared between operations by jsonld's own cache.
 * - `revertToPreviousContext` and `clone` keep the previous context by reference instead of cloning it;
 *   nothing writes to a context once it has been processed.
 * - The processed-context cache treats "a copy of X whose previous context is X" (what a type-scoped
 *   context is applied to) as one key per X, so a scoped context is processed once per active context.
 *
 * Applied only to the jsonld version it was written against (the one the Digital Bazaar suites load);
 * any other version is left alone (correct, only slower) and `jsonldReuse.installed` says so. The
 * tests compare the canonical N-Quads with an unpatched jsonld in a worker thread.
 */
export const JSONLD_VERSION = '9.0.0'

interface ActiveContext {
  mappings: Map<string, unknown>
  protected: Record<string, boolean>
  previousContext?: ActiveContext
  inverse: unknown
  getInverse: unknown
  clone(): ActiveContext
  revertToPreviousContext(): ActiveContext
  '@base'?: unknown
  '@language'?: unknown
  '@vocab'?: unknown
}

interface ResolvedContextClass {
  prototype: {
    getProcessed(ctx: object): unknown
    setProcessed(ctx: object, processed: unknown): void
  }
}

/** Which context each clone was made from: recognizes the unchanged copy a type-scoped context is applied to. */
const cloneSource = new WeakMap<ActiveContext, ActiveContext>()
const scopedKeys = new WeakMap<ActiveContext, object>()

function clone(this: ActiveContext): ActiveContext {
  const child: ActiveContext = {
    mappings: new Map(this.mappings),
    clone: this.clone,
    inverse: null,
    getInverse: this.getInverse,
    protected: { ...this.protected },
    revertToPreviousContext: this.revertToPreviousContext,
  }
  if (this.previousContext) child.previousContext = this.previousContext
  // The same fields, in the same way, as jsonld's own _cloneActiveContext.
  if ('@base' in this) child['@base'] = this['@base']
  if ('@language' in this) child['@language'] = this['@language']
  if ('@vocab' in this) child['@vocab'] = this['@vocab']
  cloneSource.set(child, this)
  return child
}

function revertToPreviousContext(this: ActiveContext): ActiveContext {
  return this.previousContext ?? this
}

/** The cache key of an active context: one shared key for every unchanged "X with previous context X". */
function cacheKey(ctx: ActiveContext): object {
  const previous = ctx.previousContext
  if (!previous || previous.previousContext || cloneSource.get(ctx) !== previous) return ctx
  let key = scopedKeys.get(previous)
  if (!key) {
    key = {}
    scopedKeys.set(previous, key)
  }
  return key
}

function install(): boolean {
  // jsonld is not a dependency of ours: reach the copy the eddsa-rdfc-2022 suite itself loads.
  const suiteRequire = createRequire(
    createRequire(import.meta.url).resolve('@digitalbazaar/eddsa-rdfc-2022-cryptosuite'),
  )
  let version: string
  try {
    version = (suiteRequire('jsonld/package.json') as { version: string }).version
  } catch {
    return false
  }
  if (version !== JSONLD_VERSION) return false
  const context = suiteRequire('jsonld/lib/context.js') as {
    getInitialContext(o: { processingMode?: string }): ActiveContext
  }
  const ResolvedContext = suiteRequire('jsonld/lib/ResolvedContext.js') as ResolvedContextClass
  // Every active context descends from a cached initial context and copies these two functions from it.
  for (const processingMode of [undefined, 'json-ld-1.0', 'json-ld-1.1']) {
    const initial = context.getInitialContext(processingMode ? { processingMode } : {})
    initial.clone = clone
    initial.revertToPreviousContext = revertToPreviousContext
  }
  const { getProcessed, setProcessed } = ResolvedContext.prototype
  ResolvedContext.prototype.getProcessed = function (ctx) {
    return getProcessed.call(this, cacheKey(ctx as ActiveContext))
  }
  ResolvedContext.prototype.setProcessed = function (ctx, processed) {
    setProcessed.call(this, cacheKey(ctx as ActiveContext), processed)
  }
  return true
}

export const jsonldReuse = { installed: install() }
