import type { AdmissionLoad } from './discord/acknowledge.js';
import type { Config } from './config.js';
import type { ModelRoster } from './core/model-roster.js';
import type { JobPipeline } from './jobs/pipeline.js';
import type { Logger } from './logger.js';
import type { Store } from './store/store.js';
import type { ReplyThrottle } from './discord/reply-throttle.js';
import type { BlockedWords } from './core/blocked-words.js';
import type { ServerSettings } from './discord/server-settings.js';
import type { ModerationLog } from './discord/moderation-log.js';
import type { SpendBudgets } from './jobs/budgets.js';
import type { UserLimits } from './jobs/user-limits.js';
import type { Metrics } from './metrics/metrics.js';

/** The one object handed to every handler; nothing else is shared between modules. */
export interface AppContext {
  readonly config: Config;
  readonly log: Logger;
  readonly pipeline: JobPipeline;
  readonly store: Store;
  /** Public refusals to messages: at most one per member per minute. */
  readonly replyThrottle: ReplyThrottle;
  /** Interactions whose jobs are in admission unacknowledged: a burst is acknowledged at once. */
  readonly admissions: AdmissionLoad;
  /** The models offered right now (the configured ones less those found gone at start-up). */
  readonly models: ModelRoster;
  /** Each server's /settings, checked against the operator's limits. */
  readonly settings: ServerSettings;
  /** The operator's BLOCKED_WORDS. */
  readonly blockedWords: BlockedWords;
  readonly limits: UserLimits;
  readonly budgets: SpendBudgets;
  readonly metrics: Metrics;
  readonly moderationLog: ModerationLog;
}
