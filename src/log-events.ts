/**
 * The `event` field of the log lines that mark a milestone. Tests, the benchmark and operators'
 * log queries match on these, never on the human-readable message, which may be reworded.
 */
export const LogEvent = {
  botOnline: 'bot.online',
  jobQueued: 'job.queued',
  jobFinished: 'job.finished',
  /** A job's result reached its member by no way at all: the line names the member and why. */
  jobLost: 'job.lost',
  /** Tokens, searches and estimated cost of a job that reached Gemini (also in the job_costs table). */
  jobCost: 'job.cost',
  /** A daily budget (the bot's or a server's) is spent; said once per budget per day. */
  budgetSpent: 'budget.spent',
  /** A stored server settings row did not pass its checks; the bad fields use their defaults. */
  settingsBroken: 'settings.broken',
  /** A prompt was refused for a blocked word before anything was spent. */
  promptBlocked: 'prompt.blocked',
  /** A translation file in src/text/locales could not be used; its members get English. */
  localeSkipped: 'locale.skipped',
  /** The /metrics and /healthz listener is up (its port is on the line). */
  metricsListening: 'metrics.listening',
  gatewayDisconnected: 'gateway.disconnected',
  gatewayResumed: 'gateway.resumed',
  /** Discord closed the gateway for good; the operator must fix something (the line says what). */
  gatewayFatal: 'gateway.fatal',
  shutdownStarted: 'shutdown.started',
  shutdownFinished: 'shutdown.finished',
  redisUnavailable: 'redis.unavailable',
  redisRecovered: 'redis.recovered',
  /** The database (DATABASE_URL) stopped answering: writes are retried, jobs go on. */
  storeUnavailable: 'store.unavailable',
  storeRecovered: 'store.recovered',
  /** A write to the store was given up after retrying; the line says which. */
  storeWriteLost: 'store.write-lost',
  /** Jobs of a process that is gone, taken over by this one (the line counts them). */
  journalTakenOver: 'journal.taken-over',
  /** A journaled job that could not be run again: its member was told (or could not be). */
  journalJobLost: 'journal.job-lost',
  /** This process's journal lease ran out unrenewed (the database is away): it starts no new job until renewed. */
  journalLeaseLost: 'journal.lease-lost',
  journalLeaseRenewed: 'journal.lease-renewed',
  /** A result waits to be posted until the journal confirms this process still owns its job. */
  journalWaiting: 'journal.waiting',
  /** Another process took this job over while this one's lease had run out: this one's result is not posted. */
  journalJobDropped: 'journal.job-dropped',
  geminiModelFound: 'gemini.model.found',
  geminiModelNotFound: 'gemini.model.not-found',
  geminiModelUnknown: 'gemini.model.unknown',
  geminiModelLookupUnavailable: 'gemini.model.lookup-unavailable',
  geminiModelShutDown: 'gemini.model.shut-down',
  geminiModelStillListed: 'gemini.model.still-listed',
  noUsableModel: 'gemini.model.none-usable',
} as const;

export type LogEventName = (typeof LogEvent)[keyof typeof LogEvent];
