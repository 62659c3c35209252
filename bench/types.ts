/** What a suite receives: the services under test and where to find the repository. */
export interface BenchContext {
  /** The repository root, with a trailing slash. */
  root: string
  /** A Postgres server URL (suites create and drop their own databases on it). */
  databaseUrl: string
  kafkaBrokers: string[]
  /** Progress lines, printed as the suite runs (not written to BENCHMARKS.md). */
  log(message: string): void
}

/** One measured figure, with the target it is checked against and the baseline measured beside it. */
export interface BenchResult {
  /** The issue whose target this figure checks, e.g. "2". */
  issue?: string
  metric: string
  value: number
  unit: string
  /** The target as written, e.g. "≥ 5,000 events/s". */
  target?: string
  pass?: boolean
  baseline?: { metric: string; value: number; unit: string }
  notes?: string
  /** Set when the figure could not be measured: why. */
  skipped?: string
}

export interface BenchSuite {
  name: string
  /** One line for BENCHMARKS.md: what this suite measures. */
  description: string
  /** False when the suite uses no Kafka: a run of only such suites starts no broker. */
  needsKafka?: boolean
  run(ctx: BenchContext): Promise<BenchResult[]>
}
