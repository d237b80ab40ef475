import { BlockedWords } from '../core/blocked-words.js';
import {
  defaultModelId,
  effectivePictureLimit,
  modelTarget,
  type GuildSettings,
  type SettingsBounds,
} from '../core/guild-settings.js';
import type { AdmissionPolicy, JobRequest } from '../core/job.js';
import { checkControls } from '../core/model-controls.js';
import { modelInfo, supportsRatio, supportsSize } from '../core/models.js';
import { phrase, type Phrase } from '../text/catalogue.js';

export type ServerAdmission =
  | { readonly ok: true; readonly request: JobRequest; readonly policy: AdmissionPolicy }
  | {
      readonly ok: false;
      readonly message: Phrase;
      /** Why, for the refusal metric and the moderation log. */
      readonly reason: 'channel' | 'blocked' | 'restricted' | 'controls';
    };

export interface AdmissionInput {
  readonly request: JobRequest;
  readonly settings: GuildSettings;
  readonly bounds: SettingsBounds;
  /** The operator's BLOCKED_WORDS, folded once at start-up. */
  readonly operatorWords: BlockedWords;
  /** The default model when neither the member nor the server names one. */
  readonly rosterDefault: string;
  /** Whether the origin can answer the member alone (an interaction can; a message cannot). */
  readonly canHide: boolean;
}

/**
 * A request as its server's settings make it, or why the server does not take it: channel rules,
 * blocked words (the server's and the operator's), the server's defaults for what the member left
 * open, role-only models and sizes, and at last whether the model can do it all. Pure: every
 * input is given, so every entry point (commands, refines, buttons) is checked the same way.
 */
export function admitToServer(input: AdmissionInput): ServerAdmission {
  const { settings, bounds } = input;
  let request = input.request;
  if (request.guildId && settings.channels.length > 0) {
    const here = [request.channelId, request.parentChannelId].some((c) => c && settings.channels.includes(c));
    if (!here) {
      if (settings.otherChannels === 'hide' && input.canHide) request = { ...request, private: true };
      else {
        return {
          ok: false,
          reason: 'channel',
          message: phrase('access.channelNotAllowed', {
            channels: { oneOf: settings.channels.map((c) => `<#${c}>`) },
          }),
        };
      }
    }
  }
  const blocked =
    input.operatorWords.match(request.prompt) ??
    new BlockedWords(settings.blockedWords).match(request.prompt);
  if (blocked !== undefined) return { ok: false, reason: 'blocked', message: phrase('moderation.blocked') };

  // A refine goes back to the model that made its picture (its history is that model's own).
  const model =
    request.model ??
    (request.kind === 'refine' ? undefined : defaultModelId(settings, bounds)) ??
    input.rosterDefault;
  // A default the model cannot make is left out rather than refused: the member asked for neither.
  const imageSize =
    request.imageSize ??
    (settings.defaultSize && supportsSize(model, settings.defaultSize) ? settings.defaultSize : undefined);
  const aspectRatio =
    request.aspectRatio ??
    (settings.defaultAspectRatio && supportsRatio(model, settings.defaultAspectRatio)
      ? settings.defaultAspectRatio
      : undefined);

  const roles = request.memberRoles ?? [];
  for (const [target, what] of [
    [modelTarget(model, bounds), bounds.offered.find((o) => o.model === model)?.name ?? model],
    [`size:${imageSize ?? '1K'}`, imageSize ?? '1K'],
  ] as const) {
    const role = settings.restrictions[target];
    if (role && !roles.includes(role)) {
      return {
        ok: false,
        reason: 'restricted',
        message: phrase('access.restricted', { role: `<@&${role}>`, what }),
      };
    }
  }

  // Quality is a wish, not a requirement: a model without levels simply ignores it.
  const thinkingLevel = modelInfo(model).thinkingLevels.length > 0 ? request.thinkingLevel : undefined;
  const problem = checkControls(model, {
    imageSize,
    aspectRatio,
    referenceCount: request.inputs.length + (request.refine ? 1 : 0),
    search: request.search,
    thinkingLevel,
  });
  if (problem) return { ok: false, reason: 'controls', message: problem };
  return {
    ok: true,
    request: {
      ...request,
      // A refine keeps its model unset: the adapter and the refine handler decide it.
      model: request.kind === 'refine' && request.model === undefined ? undefined : model,
      imageSize,
      aspectRatio,
      thinkingLevel,
    },
    policy: {
      dailyPictureLimit: request.guildId ? effectivePictureLimit(settings, bounds) : undefined,
      guildDailyBudgetUsd: settings.dailyBudgetUsd,
    },
  };
}
