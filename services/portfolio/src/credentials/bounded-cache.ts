/**
 * A Map with at most `max` entries: reading an entry makes it the newest, and adding one beyond
 * the bound drops the oldest. For in-memory caches whose keys come from callers (organizations,
 * keys, status lists), so that memory does not grow with their number.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>()

  constructor(readonly max: number) {}

  get size() {
    return this.entries.size
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key)
    if (value !== undefined) {
      this.entries.delete(key)
      this.entries.set(key, value)
    }
    return value
  }

  set(key: K, value: V) {
    this.entries.delete(key)
    this.entries.set(key, value)
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K)
    return this
  }

  delete(key: K) {
    return this.entries.delete(key)
  }
}
