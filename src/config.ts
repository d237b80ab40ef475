import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ModelSetting, OfferedModel } from './core/model-roster.js';
import { DEFAULT_MODEL, modelInfo } from './core/models.js';

export type { OfferedModel } from './core/model-roster.js';

/** Every setting the bot reads. Nothing else in the code base looks at process.env. */
export interface Config {
  readonly discordToken: string;
  readonly geminiApiKey: string;
  /** The default model: the first of geminiModels. */
  readonly geminiModel: string;
  /** The models offered, in order; never empty. */
  readonly geminiModels: readonly OfferedModel[];
  /** The setting that named them, for operator messages. */
  readonly geminiModelsSetting: ModelSetting;
  readonly discordGuildId: string | undefined;
  readonly discordApiUrl: string;
  readonly geminiBaseUrl: string | undefined;
  readonly geminiRpm: number;
  readonly geminiConcurrency: number;
  readonly geminiTimeoutMs: number;
  readonly geminiMaxAttempts: number;
  readonly geminiRetryBudgetMs: number;
  readonly userRpm: number;
  readonly userDailyLimit: number;
  readonly maxQueue: number;
  readonly attachmentHosts: readonly string[];
  readonly maxInputBytes: number;
  readonly maxInputSide: number;
  readonly messageContentIntent: boolean;
  readonly allowedGuilds: readonly string[];
  readonly allowDms: boolean;
  readonly redisUrl: string | undefined;
  readonly redisKeyTtlMs: number;
  /** PostgreSQL for the store (every process on it shares everything); unset: SQLite in dataDir. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Gateway shards in all ('auto': as many as Discord recommends) and those this process runs. */
  readonly shards: ShardSettings;
  /** A journaled job older than this when a process takes it over is not run: its member is told. */
  readonly resumeMaxAgeMs: number;
  /** How long a process's claim on its journaled jobs lasts without renewal (it renews every third). */
  readonly journalLeaseMs: number;
  readonly logLevel: string;
  readonly shutdownGraceMs: number;
  /** Stream Gemini's answers and show its interim drafts in the progress message. */
  readonly previews: boolean;
  /** The whole bot's estimated spend per UTC day, in USD; 0: no budget. Also the cap of every server's budget. */
  readonly dailyBudgetUsd: number;
  /** Words and phrases refused in every server's prompts (read from BLOCKED_WORDS at start-up). */
  readonly blockedWords: readonly string[];
  /** Where /metrics and /healthz listen; undefined: no listener. */
  readonly metricsPort: number | undefined;
}

export type ShardSettings =
  { readonly count: 'auto' } | { readonly count: number; readonly ids: readonly number[] };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const HINTS: Record<string, string> = {
  DISCORD_TOKEN:
    'the bot token: Discord Developer Portal -> your application -> Bot -> Reset Token (https://discord.com/developers/applications)',
  GEMINI_API_KEY: 'a Gemini API key: https://aistudio.google.com/apikey',
  DISCORD_API_URL: 'an http(s) URL such as https://discord.com/api',
  GEMINI_BASE_URL: 'an http(s) URL, or leave it unset for Google’s endpoint',
  DISCORD_GUILD_ID:
    'a server id (Discord settings -> Advanced -> Developer Mode, then right-click the server -> Copy Server ID)',
  SHUTDOWN_GRACE_MS:
    'a number of milliseconds up to 25000: the bot exits 29 s after SIGTERM and needs the rest to tell members whose jobs were interrupted',
  REDIS_URL: 'a redis:// URL such as redis://127.0.0.1:6379, or leave it unset to keep limits in-process',
  REDIS_KEY_TTL_MS:
    'milliseconds from 1000 to 604800000 that the shared quota state outlives the last Gemini call, or leave it unset for 600000 (10 minutes)',
  DATABASE_URL:
    'a postgres:// URL such as postgres://user:password@host:5432/bot (Heroku Postgres sets it), or leave it unset to keep the store in SQLite in DATA_DIR',
  SHARD_COUNT: 'auto (as many shards as Discord recommends) or a whole number from 1 to 10000',
  SHARD_IDS:
    'a comma list of shard ids or ranges below SHARD_COUNT, such as 0,1 or 0-3, or leave it unset to run every shard',
  RESUME_MAX_AGE: 'a duration such as 30m, 90s or 2h (a bare number is minutes), from 1 minute to 24 hours',
  JOURNAL_LEASE_MS: 'milliseconds from 1000 to 600000, or leave it unset for 15000',
  PREVIEWS:
    'true (stream Gemini’s answers and show its drafts in the progress message) or false (plain requests, no drafts)',
  DAILY_BUDGET_USD:
    'US dollars the whole bot may spend per UTC day, such as 5 or 12.50, or leave it unset (or 0) for no budget',
  BLOCKED_WORDS:
    'the path of a text file with one blocked word or phrase per line (# starts a comment), or leave it unset',
  METRICS_PORT: 'a TCP port from 1 to 65535 for /metrics and /healthz, or leave it unset for no listener',
  GEMINI_MODELS: `a comma list of short-name=model entries such as fast=${DEFAULT_MODEL},pro=gemini-3-pro-image; the first is the default`,
};

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const MODEL_ID = /^[a-z0-9][a-z0-9.-]*$/;
const SHORT_NAME = /^[a-z0-9-]{1,25}$/;

/** A short name for a model listed without one: the catalogue's, else the id without gemini-/-image. */
function shortNameFor(model: string): string {
  const info = modelInfo(model);
  if (info.known) return info.shortName;
  const trimmed = model
    .replace(/^gemini-/, '')
    .replace(/-image$/, '')
    .replace(/\./g, '-');
  return trimmed.slice(0, 25).replace(/-+$/, '') || 'default';
}

/** GEMINI_MODELS: `name=model` or bare `model` entries; names become Discord choice names. */
const offeredModels = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .transform((value, ctx) => {
      const entries: OfferedModel[] = [];
      let refused = 0;
      const refuse = (message: string) => {
        refused++;
        ctx.addIssue({ code: 'custom', message });
      };
      for (const raw of value.split(',').map((s) => s.trim())) {
        if (raw === '') continue;
        const eq = raw.indexOf('=');
        const model = (eq < 0 ? raw : raw.slice(eq + 1)).trim().toLowerCase();
        const name = eq < 0 ? shortNameFor(model) : raw.slice(0, eq).trim();
        if (!MODEL_ID.test(model)) {
          refuse(`"${raw}": "${model}" is not a model name such as ${DEFAULT_MODEL}`);
        } else if (!SHORT_NAME.test(name)) {
          refuse(`"${raw}": the short name "${name}" must be 1-25 lowercase letters, digits or -`);
        } else if (entries.some((e) => e.name === name)) {
          refuse(`the short name "${name}" is used twice`);
        } else if (entries.some((e) => e.model === model)) {
          refuse(`${model} is listed twice`);
        } else {
          entries.push(Object.freeze({ name, model }));
        }
      }
      if (entries.length === 0 && refused === 0) refuse('lists no model');
      return entries;
    })
    .optional(),
);

const str = () => z.preprocess(emptyToUndefined, z.string().trim());
const int = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
const bool = (fallback: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  );
const list = (fallback: string) =>
  z.preprocess(
    (v) => emptyToUndefined(v) ?? fallback,
    z.string().transform((v) =>
      v
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s.length > 0),
    ),
  );
const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a numeric Discord id');

const schema = z.object({
  DISCORD_TOKEN: str().pipe(z.string().min(30, 'looks too short to be a bot token')),
  GEMINI_API_KEY: str().pipe(z.string().min(10, 'looks too short to be an API key')),
  GEMINI_MODEL: z.preprocess(
    emptyToUndefined,
    z.string().regex(MODEL_ID, `must be a model name such as ${DEFAULT_MODEL}`).optional(),
  ),
  GEMINI_MODELS: offeredModels,
  DISCORD_GUILD_ID: z.preprocess(emptyToUndefined, snowflake.optional()),
  DISCORD_API_URL: z.preprocess(
    emptyToUndefined,
    z.url({ protocol: /^https?$/ }).default('https://discord.com/api'),
  ),
  GEMINI_BASE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  GEMINI_RPM: int(1, 100_000, 10),
  GEMINI_CONCURRENCY: int(1, 100, 2),
  GEMINI_TIMEOUT_MS: int(1000, 600_000, 120_000),
  GEMINI_MAX_ATTEMPTS: int(1, 10, 4),
  GEMINI_RETRY_BUDGET_MS: int(1000, 3_600_000, 300_000),
  USER_RPM: int(1, 1000, 3),
  USER_DAILY_LIMIT: int(0, 1_000_000, 50),
  MAX_QUEUE: int(1, 100_000, 100),
  ATTACHMENT_HOSTS: list('cdn.discordapp.com,media.discordapp.net'),
  MAX_INPUT_BYTES: int(1024, 200 * 1024 * 1024, 25 * 1024 * 1024),
  MAX_INPUT_SIDE: int(256, 16_384, 4096),
  MESSAGE_CONTENT_INTENT: bool(false),
  ALLOWED_GUILDS: list(''),
  ALLOW_DMS: bool(false),
  REDIS_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^rediss?$/ }).optional()),
  REDIS_KEY_TTL_MS: int(1000, 7 * 86_400_000, 10 * 60_000),
  DATABASE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().trim().default('./data')),
  SHARD_COUNT: z.preprocess(
    emptyToUndefined,
    z.union([z.literal('auto'), z.coerce.number().int().min(1).max(10_000)]).default('auto'),
  ),
  SHARD_IDS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$/,
        'must be shard ids or ranges such as 0,1 or 0-3',
      )
      .optional(),
  ),
  RESUME_MAX_AGE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\s*\d+\s*(s|m|h)?\s*$/i, 'must be a duration such as 30m, 90s or 2h')
      .default('30m')
      .transform(parseDuration)
      .pipe(z.number().min(60_000).max(86_400_000)),
  ),
  JOURNAL_LEASE_MS: int(1000, 600_000, 15_000),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  // The process exits 29 s after SIGTERM (Heroku kills it at 30 s) and needs the last 4 s to tell
  // interrupted members and close its connections.
  SHUTDOWN_GRACE_MS: int(0, 25_000, 25_000),
  PREVIEWS: bool(true),
  DAILY_BUDGET_USD: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d{1,7}(\.\d{1,6})?$/, 'must be an amount of US dollars such as 5 or 12.50, up to 9999999')
      .default('0')
      .transform(Number),
  ),
  BLOCKED_WORDS: z.preprocess(emptyToUndefined, z.string().trim().optional()),
  METRICS_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65_535).optional()),
});

/** '30m', '90s', '2h'; a bare number is minutes. In ms. */
function parseDuration(value: string): number {
  const [, amount, unit] = /^\s*(\d+)\s*([smh])?\s*$/i.exec(value)!;
  const ms = { s: 1000, m: 60_000, h: 3_600_000 }[(unit ?? 'm').toLowerCase() as 's' | 'm' | 'h'];
  return Number(amount) * ms;
}

/** SHARD_IDS as a sorted list without repeats: '0,2-4' -> [0, 2, 3, 4]. */
function parseShardIds(value: string): number[] {
  const ids = new Set<number>();
  for (const part of value.split(',')) {
    const [from, to = from] = part.split('-').map((s) => Number(s.trim())) as [number, number?];
    for (let id = from; id <= to; id++) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

function shardSettings(count: number | 'auto', ids: string | undefined): ShardSettings {
  if (count === 'auto') {
    if (ids !== undefined) {
      throw new ConfigError([
        'SHARD_IDS is set but SHARD_COUNT is auto: name the shard count (SHARD_COUNT=4, say) so that processes can split the shards between them',
      ]);
    }
    return Object.freeze({ count });
  }
  const chosen = ids === undefined ? Array.from({ length: count }, (_, i) => i) : parseShardIds(ids);
  const outside = chosen.filter((id) => id >= count);
  if (outside.length > 0) {
    throw new ConfigError([
      `SHARD_IDS names shard ${outside.join(', ')}, but with SHARD_COUNT=${count} the shards are 0 to ${count - 1}`,
    ]);
  }
  if (chosen.length === 0) throw new ConfigError(['SHARD_IDS names no shard']);
  return Object.freeze({ count, ids: Object.freeze(chosen) });
}

/**
 * zod's own wording ("Invalid input: expected number, received NaN") is for developers; an operator
 * reads what the value must be. Messages written in the schema (regexes, lengths) are kept.
 */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' || issue.expected === 'number'
        ? 'must be a whole number'
        : issue.message;
    case 'too_small':
      return issue.origin === 'number' ? `must be at least ${String(issue.minimum)}` : issue.message;
    case 'too_big':
      return issue.origin === 'number' ? `must be at most ${String(issue.maximum)}` : issue.message;
    case 'invalid_value':
      return issue.values.includes('true') && issue.values.includes('false')
        ? 'must be true or false'
        : `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'must be a URL with an accepted scheme' : issue.message;
    default:
      return issue.message;
  }
}

export interface LoadOptions {
  /** `npm run register` talks only to Discord: it needs no Gemini key. */
  readonly requireGemini?: boolean;
  /** Settings that win over the environment: the playground points the bot at its emulated Discord. */
  readonly overrides?: Readonly<Record<string, string>>;
}

/** The process environment (after dotenv has read .env): the only read of process.env in the bot. */
export function loadConfigFromEnvironment(options?: LoadOptions): Config {
  return loadConfig(process.env, options);
}

/** How the playground is served, and whether it has a real Gemini to talk to. */
export interface PlaygroundSettings {
  readonly port: number;
  readonly host: string;
  /** Set: pictures come from the real Gemini; unset: from the built-in emulator, as placeholders. */
  readonly geminiApiKey: string | undefined;
  /** The bot's log level there: quiet unless LOG_LEVEL asks, so the terminal shows the address. */
  readonly logLevel: string;
}

export type StartMode =
  | { readonly kind: 'bot' }
  | {
      readonly kind: 'playground';
      readonly why: 'forced' | 'no-token';
      readonly settings: PlaygroundSettings;
    };

const playgroundSchema = z.object({
  PLAYGROUND: z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .transform((v) => v === 'true' || v === '1' || v === 'yes')
      .optional(),
  ),
  // 0 lets the system choose a free port (the tests use it); the address is printed either way.
  PLAYGROUND_PORT: int(0, 65_535, 3000),
  PLAYGROUND_HOST: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9.:-]+$/, 'must be a host name or an IP address such as 0.0.0.0')
      .default('127.0.0.1'),
  ),
});

/**
 * The real bot when a Discord token is set, the playground when none is (or PLAYGROUND=1 says so).
 * A production environment (NODE_ENV=production, as Docker and Heroku set) without a token still fails
 * with the list of missing settings: a deployment that lost its token must not quietly turn into a toy.
 */
export function decideStartMode(env: NodeJS.ProcessEnv | Record<string, string | undefined>): StartMode {
  const parsed = playgroundSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) => `${String(issue.path[0] ?? '')} is not valid: ${describeIssue(issue)}`,
      ),
    );
  }
  const { PLAYGROUND: forced, PLAYGROUND_PORT: port, PLAYGROUND_HOST: host } = parsed.data;
  const hasToken = Boolean(env.DISCORD_TOKEN?.trim());
  const production = env.NODE_ENV?.trim() === 'production';
  if (forced === false || (forced === undefined && (hasToken || production))) return { kind: 'bot' };
  return {
    kind: 'playground',
    why: forced ? 'forced' : 'no-token',
    settings: Object.freeze({
      port,
      host,
      geminiApiKey: env.GEMINI_API_KEY?.trim() || undefined,
      logLevel: env.LOG_LEVEL?.trim() || 'warn',
    }),
  };
}

export function loadStartModeFromEnvironment(): StartMode {
  return decideStartMode(process.env);
}

/** Parses the environment once; throws ConfigError listing every problem with a hint on how to fix it. */
export function loadConfig(
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
  { requireGemini = true, overrides = {} }: LoadOptions = {},
): Config {
  env = { ...env, ...overrides };
  const parsed = schema.safeParse(requireGemini ? env : { GEMINI_API_KEY: 'unused-by-this-command', ...env });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      // A blank line copied from .env.example (KEY=) is as missing as no line at all.
      const missing = issue.code === 'invalid_type' && !env[key]?.trim();
      const what = missing ? 'is missing' : `is not valid: ${describeIssue(issue)}`;
      const hint = HINTS[key];
      return `${key} ${what}${hint ? ` (set it to ${hint})` : ''}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  for (const host of e.ATTACHMENT_HOSTS) {
    if (!/^[a-z0-9.-]+(:\d{1,5})?$/.test(host)) {
      throw new ConfigError([`ATTACHMENT_HOSTS entry "${host}" is not a host or host:port`]);
    }
  }
  for (const id of e.ALLOWED_GUILDS) {
    if (!/^\d{17,20}$/.test(id)) throw new ConfigError([`ALLOWED_GUILDS entry "${id}" is not a server id`]);
  }
  const blockedWords = e.BLOCKED_WORDS === undefined ? [] : readBlockedWordsFile(e.BLOCKED_WORDS);
  const models = e.GEMINI_MODELS ?? [
    Object.freeze({
      name: modelInfo(e.GEMINI_MODEL ?? DEFAULT_MODEL).known
        ? shortNameFor(e.GEMINI_MODEL ?? DEFAULT_MODEL)
        : 'default',
      model: e.GEMINI_MODEL ?? DEFAULT_MODEL,
    }),
  ];
  const [first] = models as [OfferedModel];
  if (e.GEMINI_MODELS && e.GEMINI_MODEL !== undefined && e.GEMINI_MODEL !== first.model) {
    throw new ConfigError([
      `GEMINI_MODEL (${e.GEMINI_MODEL}) and GEMINI_MODELS (whose first entry, the default, is ${first.model}) disagree: remove GEMINI_MODEL, or make it the first entry of GEMINI_MODELS`,
    ]);
  }
  return Object.freeze({
    discordToken: e.DISCORD_TOKEN,
    geminiApiKey: e.GEMINI_API_KEY,
    geminiModel: first.model,
    geminiModels: Object.freeze([...models]),
    geminiModelsSetting: e.GEMINI_MODELS ? 'GEMINI_MODELS' : 'GEMINI_MODEL',
    discordGuildId: e.DISCORD_GUILD_ID,
    discordApiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''),
    geminiBaseUrl: e.GEMINI_BASE_URL?.replace(/\/+$/, ''),
    geminiRpm: e.GEMINI_RPM,
    geminiConcurrency: e.GEMINI_CONCURRENCY,
    geminiTimeoutMs: e.GEMINI_TIMEOUT_MS,
    geminiMaxAttempts: e.GEMINI_MAX_ATTEMPTS,
    geminiRetryBudgetMs: e.GEMINI_RETRY_BUDGET_MS,
    userRpm: e.USER_RPM,
    userDailyLimit: e.USER_DAILY_LIMIT,
    maxQueue: e.MAX_QUEUE,
    attachmentHosts: Object.freeze([...e.ATTACHMENT_HOSTS]),
    maxInputBytes: e.MAX_INPUT_BYTES,
    maxInputSide: e.MAX_INPUT_SIDE,
    messageContentIntent: e.MESSAGE_CONTENT_INTENT,
    allowedGuilds: Object.freeze([...e.ALLOWED_GUILDS]),
    allowDms: e.ALLOW_DMS,
    redisUrl: e.REDIS_URL,
    redisKeyTtlMs: e.REDIS_KEY_TTL_MS,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    shards: shardSettings(e.SHARD_COUNT, e.SHARD_IDS),
    resumeMaxAgeMs: e.RESUME_MAX_AGE,
    journalLeaseMs: e.JOURNAL_LEASE_MS,
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    previews: e.PREVIEWS,
    dailyBudgetUsd: e.DAILY_BUDGET_USD,
    blockedWords: Object.freeze(blockedWords),
    metricsPort: e.METRICS_PORT,
  });
}

/** The BLOCKED_WORDS file: one word or phrase a line; blank lines and # comments are skipped. */
function readBlockedWordsFile(path: string): string[] {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'is not readable by this user'
          : `cannot be read (${code ?? 'error'})`;
    throw new ConfigError([`BLOCKED_WORDS file ${path} ${why} (set it to ${HINTS.BLOCKED_WORDS})`]);
  }
  const words = content
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line.length > 0);
  const tooLong = words.find((w) => w.length > MAX_BLOCKED_WORD);
  if (tooLong !== undefined) {
    throw new ConfigError([
      `BLOCKED_WORDS file ${path}: "${tooLong.slice(0, 40)}…" is longer than ${MAX_BLOCKED_WORD} characters`,
    ]);
  }
  return words;
}

/** The longest blocked word or phrase, in the file and in a server's list alike. */
export const MAX_BLOCKED_WORD = 100;
