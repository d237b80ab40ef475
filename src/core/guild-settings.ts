import { phrase, spokenLanguages, type Phrase } from '../text/catalogue.js';
import type { OfferedModel } from './model-roster.js';
import { IMAGE_SIZES, modelInfo, offeredRatios, offeredSizes, type ImageSize } from './models.js';

/** What happens to a job asked for in a channel the server did not allow. */
export type OtherChannels = 'refuse' | 'hide';

/**
 * One server's own controls, as /settings keeps them. Every field is optional in effect: an unset
 * one means "as the operator configured". None can raise a limit above the operator's.
 */
export interface GuildSettings {
  /** The short name of an offered model (a name, so the operator may point it at another id). */
  readonly defaultModel?: string | undefined;
  readonly defaultSize?: ImageSize | undefined;
  readonly defaultAspectRatio?: string | undefined;
  /** `model:<name>` or `size:<size>` -> the id of the only role that may use it. */
  readonly restrictions: Readonly<Record<string, string>>;
  /** Pictures per member per UTC day, at most the operator's USER_DAILY_LIMIT. */
  readonly dailyPictureLimit?: number | undefined;
  /** Estimated USD per UTC day for the whole server, at most DAILY_BUDGET_USD. */
  readonly dailyBudgetUsd?: number | undefined;
  /** Channel ids where the bot works; empty: everywhere. */
  readonly channels: readonly string[];
  readonly otherChannels: OtherChannels;
  readonly moderationLogChannel?: string | undefined;
  readonly blockedWords: readonly string[];
  /** A catalogue language ('ja', 'es-419', 'en') every member here is answered in; unset: each member's own. */
  readonly language?: string | undefined;
}

export const DEFAULT_GUILD_SETTINGS: GuildSettings = Object.freeze({
  restrictions: {},
  channels: [],
  otherChannels: 'refuse',
  blockedWords: [],
});

/** What the operator allows; every server setting is checked against it. */
export interface SettingsBounds {
  readonly offered: readonly OfferedModel[];
  /** USER_DAILY_LIMIT; 0: no limit. */
  readonly userDailyLimit: number;
  /** DAILY_BUDGET_USD; 0: no budget, so a server's budget is capped only by MAX_SERVER_BUDGET_USD. */
  readonly dailyBudgetUsd: number;
}

export const MAX_BLOCKED_WORDS = 200;
export const MAX_ALLOWED_CHANNELS = 50;
export const MAX_SERVER_PICTURE_LIMIT = 100_000;
export const MAX_SERVER_BUDGET_USD = 100_000;
const BLOCKED_WORD_MAX_LENGTH = 100;
const SNOWFLAKE = /^\d{17,20}$/;

/** The most a server may allow a member per day, or undefined when the operator sets no limit. */
export function pictureLimitCeiling(bounds: SettingsBounds): number {
  return bounds.userDailyLimit > 0 ? bounds.userDailyLimit : MAX_SERVER_PICTURE_LIMIT;
}

export function budgetCeiling(bounds: SettingsBounds): number {
  return bounds.dailyBudgetUsd > 0 ? bounds.dailyBudgetUsd : MAX_SERVER_BUDGET_USD;
}

/** Why a per-member daily picture limit is refused, or undefined. */
export function checkPictureLimit(value: number, bounds: SettingsBounds): Phrase | undefined {
  const max = pictureLimitCeiling(bounds);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    return phrase('settings.invalid.pictureLimit', { max });
  }
  return undefined;
}

/** Why a server budget is refused, or undefined. Cents at most: a budget is money, not an estimate. */
export function checkBudget(value: number, bounds: SettingsBounds): Phrase | undefined {
  const max = budgetCeiling(bounds);
  if (!Number.isFinite(value) || value < 0.01 || value > max || Math.round(value * 100) !== value * 100) {
    return phrase('settings.invalid.budget', { max: max.toFixed(2) });
  }
  return undefined;
}

/** Why a blocked word or phrase is refused, or undefined. */
export function checkBlockedWord(word: string): Phrase | undefined {
  if (word.length === 0 || word.length > BLOCKED_WORD_MAX_LENGTH || !/[\p{L}\p{N}]/u.test(word)) {
    return phrase('settings.invalid.blockedWord', { max: BLOCKED_WORD_MAX_LENGTH });
  }
  return undefined;
}

/** Why defaults do not fit together or with the offered models, or undefined. */
export function checkDefaults(
  defaults: Pick<GuildSettings, 'defaultModel' | 'defaultSize' | 'defaultAspectRatio'>,
  bounds: SettingsBounds,
): Phrase | undefined {
  const offered = bounds.offered.map((o) => o.model);
  const chosen = defaults.defaultModel
    ? bounds.offered.find((o) => o.name === defaults.defaultModel)
    : undefined;
  if (defaults.defaultModel !== undefined && !chosen) {
    return phrase('settings.invalid.model', { models: { oneOf: bounds.offered.map((o) => o.name) } });
  }
  const models = chosen ? [chosen.model] : offered;
  if (defaults.defaultSize !== undefined && !offeredSizes(models).includes(defaults.defaultSize)) {
    return phrase('settings.invalid.size', { sizes: { oneOf: offeredSizes(models) } });
  }
  if (
    defaults.defaultAspectRatio !== undefined &&
    !offeredRatios(models).includes(defaults.defaultAspectRatio)
  ) {
    return phrase('settings.invalid.ratio', { ratios: { oneOf: offeredRatios(models) } });
  }
  return undefined;
}

/** The restriction targets the operator's models allow: `model:<name>` and `size:<size>`. */
export function restrictionTargets(bounds: SettingsBounds): string[] {
  return [
    ...bounds.offered.map((o) => `model:${o.name}`),
    ...offeredSizes(bounds.offered.map((o) => o.model)).map((s) => `size:${s}`),
  ];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A stored settings row read back: every field checked on its own against what the operator
 * allows now (they may have lowered a limit or dropped a model since it was saved). A field that
 * does not pass falls back to its default and is named in `problems`; a row that is not JSON at
 * all gives the defaults. Never throws: a broken row must not stop the bot.
 */
export function readGuildSettings(
  raw: string | undefined,
  bounds: SettingsBounds,
): { settings: GuildSettings; problems: string[] } {
  if (raw === undefined) return { settings: DEFAULT_GUILD_SETTINGS, problems: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { settings: DEFAULT_GUILD_SETTINGS, problems: ['the row is not JSON'] };
  }
  if (!isRecord(parsed)) return { settings: DEFAULT_GUILD_SETTINGS, problems: ['the row is not an object'] };
  const problems: string[] = [];
  const keep = <T>(field: string, value: T | undefined, ok: boolean): T | undefined => {
    if (value === undefined || value === null) return undefined;
    if (ok) return value;
    problems.push(field);
    return undefined;
  };
  const p = parsed;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const defaultModel = keep(
    'defaultModel',
    p.defaultModel,
    typeof p.defaultModel === 'string' && !checkDefaults({ defaultModel: p.defaultModel }, bounds),
  ) as string | undefined;
  const defaultSize = keep(
    'defaultSize',
    p.defaultSize,
    (IMAGE_SIZES as readonly unknown[]).includes(p.defaultSize) &&
      !checkDefaults({ defaultModel, defaultSize: p.defaultSize as ImageSize }, bounds),
  ) as ImageSize | undefined;
  const defaultAspectRatio = keep(
    'defaultAspectRatio',
    p.defaultAspectRatio,
    typeof p.defaultAspectRatio === 'string' &&
      !checkDefaults({ defaultModel, defaultAspectRatio: p.defaultAspectRatio }, bounds),
  ) as string | undefined;
  const targets = new Set(restrictionTargets(bounds));
  const restrictions: Record<string, string> = {};
  if (p.restrictions !== undefined) {
    if (!isRecord(p.restrictions)) problems.push('restrictions');
    else {
      for (const [target, role] of Object.entries(p.restrictions)) {
        // A model the operator no longer offers drops out quietly: nothing can ask for it.
        if (typeof role === 'string' && SNOWFLAKE.test(role)) {
          if (targets.has(target)) restrictions[target] = role;
        } else problems.push(`restrictions.${target}`);
      }
    }
  }
  const dailyPictureLimit = keep(
    'dailyPictureLimit',
    p.dailyPictureLimit,
    typeof p.dailyPictureLimit === 'number' && !checkPictureLimit(p.dailyPictureLimit, bounds),
  ) as number | undefined;
  const dailyBudgetUsd = keep(
    'dailyBudgetUsd',
    p.dailyBudgetUsd,
    typeof p.dailyBudgetUsd === 'number' && !checkBudget(p.dailyBudgetUsd, bounds),
  ) as number | undefined;
  const idList = (field: string, v: unknown, max: number): string[] => {
    if (v === undefined) return [];
    if (Array.isArray(v) && v.length <= max && v.every((c) => typeof c === 'string' && SNOWFLAKE.test(c))) {
      return v as string[];
    }
    problems.push(field);
    return [];
  };
  const channels = idList('channels', p.channels, MAX_ALLOWED_CHANNELS);
  const otherChannels: OtherChannels =
    p.otherChannels === undefined || p.otherChannels === 'refuse'
      ? 'refuse'
      : p.otherChannels === 'hide'
        ? 'hide'
        : (problems.push('otherChannels'), 'refuse');
  const moderationLogChannel = keep(
    'moderationLogChannel',
    str(p.moderationLogChannel) ?? (p.moderationLogChannel as undefined),
    typeof p.moderationLogChannel === 'string' && SNOWFLAKE.test(p.moderationLogChannel),
  );
  let blockedWords: string[] = [];
  if (p.blockedWords !== undefined) {
    const words = p.blockedWords;
    if (
      Array.isArray(words) &&
      words.length <= MAX_BLOCKED_WORDS &&
      words.every((w) => typeof w === 'string' && !checkBlockedWord(w))
    ) {
      blockedWords = words as string[];
    } else problems.push('blockedWords');
  }
  // A language whose file an operator removed drops out quietly: members get their own again.
  const language =
    p.language === undefined || (typeof p.language === 'string' && spokenLanguages().includes(p.language))
      ? p.language
      : typeof p.language === 'string'
        ? undefined
        : (problems.push('language'), undefined);
  return {
    settings: Object.freeze({
      defaultModel,
      defaultSize,
      defaultAspectRatio,
      restrictions,
      dailyPictureLimit,
      dailyBudgetUsd,
      channels,
      otherChannels,
      moderationLogChannel,
      blockedWords,
      language,
    }),
    problems,
  };
}

/** The row to store: unset fields left out, so a later default applies to them. */
export function writeGuildSettings(settings: GuildSettings): string {
  return JSON.stringify(settings);
}

/** The member's daily picture limit in this server: the server's, never above the operator's. */
export function effectivePictureLimit(settings: GuildSettings, bounds: SettingsBounds): number {
  const own = settings.dailyPictureLimit;
  if (own === undefined) return bounds.userDailyLimit;
  return bounds.userDailyLimit > 0 ? Math.min(own, bounds.userDailyLimit) : own;
}

/** The model id a server default names, when it is still offered. */
export function defaultModelId(settings: GuildSettings, bounds: SettingsBounds): string | undefined {
  return bounds.offered.find((o) => o.name === settings.defaultModel)?.model;
}

/** `model:<name>` for a model id, as restrictions are keyed. */
export function modelTarget(model: string, bounds: SettingsBounds): string {
  return `model:${bounds.offered.find((o) => o.model === model)?.name ?? modelInfo(model).shortName}`;
}
