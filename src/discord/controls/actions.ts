import type { ControlRecord, ReplayInput } from '../../core/controls.js';
import type { HistoryTurn } from '../../core/conversation.js';
import type { InputSource, JobRequest } from '../../core/job.js';
import { checkControls, upscaleModel, type UpscaleSize } from '../../core/model-controls.js';
import { modelInfo } from '../../core/models.js';
import { phrase, type Phrase } from '../../text/catalogue.js';
import { linkExpiresAt } from '../attachments.js';
import type { ControlAction } from './custom-id.js';

/** A request without its member and place: those are whoever pressed the button, and where. */
export type ActionRequest = Omit<JobRequest, 'userId' | 'guildId' | 'channelId'>;

/** What pressing an action makes: a job and the prompt it echoes, or the one sentence saying why not. */
export type ActionPlan =
  | { readonly ok: true; readonly request: ActionRequest; readonly shownPrompt: string }
  | { readonly ok: false; readonly message: Phrase };

/** The actions that make a job straight away (Edit and Remix ask for words first; Delete makes none). */
export type JobAction = Exclude<ControlAction, 'edit' | 'delete'>;

/** How kept inputs and the result's own pictures become job inputs again (Discord fetches, in the handler). */
export interface ActionSources {
  replay(input: ReplayInput): InputSource;
  /** The n-th picture (from 0) of the result's message. */
  picture(index: number): InputSource;
}

export interface ActionContext {
  /** The models offered now, the default first. */
  readonly offered: readonly string[];
  readonly sources: ActionSources;
  /** For a refine's Reroll or Remix: the conversation before the picture it refined. */
  readonly history?: readonly HistoryTurn[];
  /** Remix: the member's edited prompt, already cleaned. */
  readonly prompt?: string;
  /** The picture the action is for, from 1. */
  readonly picture: number;
  /** The time now (ms): uploads kept only as links stop working about a day after the command. */
  readonly now: number;
}

/** A job may wait in line for a while: a link about to stop working is as good as gone. */
const LINK_MARGIN_MS = 5 * 60_000;

/**
 * Why a stored request cannot be made again because the images uploaded to its command are no
 * longer on Discord's CDN (their links expired), or undefined when it can. Checked before anything
 * is counted, and before Remix asks for a prompt the member would type for nothing.
 */
export function uploadsGone(request: ControlRecord['request'], now: number): Phrase | undefined {
  const expired = request.inputs.some((input) => {
    if (input.kind !== 'link') return false;
    const expiresAt = linkExpiresAt(input.url);
    return expiresAt !== undefined && expiresAt <= now + LINK_MARGIN_MS;
  });
  return expired ? phrase('controls.uploadsExpired') : undefined;
}

// Instructions to Gemini, not words a member reads: the member sees their own prompt echoed.
const VARY_SUBTLE =
  'Make a subtle variation of this picture. Keep its subject, composition, colours and style; change only small details.';
const VARY_STRONG =
  'Make a strong variation of this picture. Keep its subject and overall composition; freely change the details, lighting, colours and style.';
const UPSCALE =
  'Render this picture again at a higher resolution, exactly as it is: the same subject, composition, colours and style, with finer detail and nothing else changed.';

const withOriginal = (instruction: string, prompt: string) =>
  `${instruction}\nThe picture was made for this request: ${prompt}`;

/** The thinking level a model takes from the original request: one without levels gets none. */
const levelFor = (model: string, record: ControlRecord) =>
  record.request.thinkingLevel && modelInfo(model).thinkingLevels.includes(record.request.thinkingLevel)
    ? record.request.thinkingLevel
    : undefined;

/**
 * What an action on a result asks of the bot, as a request like any entry point's. Reroll and
 * Remix make the stored request again (Remix with the member's new prompt); Vary and Upscale are
 * edits of the chosen picture, with an instruction and the original prompt, at its settings (Upscale
 * at the bigger size, on a model that makes it).
 */
export function planAction(record: ControlRecord, action: JobAction, ctx: ActionContext): ActionPlan {
  const { request } = record;
  const model = ctx.offered.includes(record.model) ? record.model : undefined;
  const settings = {
    imageSize: request.imageSize,
    aspectRatio: request.aspectRatio,
    thinkingLevel: request.thinkingLevel,
  };
  switch (action) {
    case 'reroll':
    case 'remix': {
      if (!model) return { ok: false, message: phrase('controls.modelGone', { model: record.model }) };
      const gone = uploadsGone(request, ctx.now);
      if (gone) return { ok: false, message: gone };
      const prompt = action === 'remix' && ctx.prompt !== undefined ? ctx.prompt : request.prompt;
      return {
        ok: true,
        shownPrompt: action === 'remix' && ctx.prompt !== undefined ? ctx.prompt : request.shownPrompt,
        request: {
          kind: request.kind,
          prompt,
          inputs: request.inputs.map((i) => ctx.sources.replay(i)),
          refine: request.refine && {
            parentMessageId: request.refine.parentMessageId,
            previous: ctx.sources.replay(request.refine.previous),
            history: ctx.history ?? [],
          },
          model,
          ...settings,
          search: request.search,
        },
      };
    }
    case 'vary-subtle':
    case 'vary-strong': {
      if (!model) return { ok: false, message: phrase('controls.modelGone', { model: record.model }) };
      const instruction = action === 'vary-subtle' ? VARY_SUBTLE : VARY_STRONG;
      return {
        ok: true,
        shownPrompt: request.shownPrompt,
        request: {
          kind: 'edit',
          prompt: withOriginal(instruction, request.shownPrompt),
          inputs: [ctx.sources.picture(ctx.picture - 1)],
          model,
          ...settings,
        },
      };
    }
    case 'upscale-2K':
    case 'upscale-4K': {
      const size: UpscaleSize = action === 'upscale-2K' ? '2K' : '4K';
      const target = upscaleModel(ctx.offered, record.model, size);
      if (!target) return { ok: false, message: phrase('controls.noUpscaleModel', { size }) };
      const problem = checkControls(target, { imageSize: size, aspectRatio: request.aspectRatio });
      if (problem) return { ok: false, message: problem };
      return {
        ok: true,
        shownPrompt: request.shownPrompt,
        request: {
          kind: 'edit',
          prompt: withOriginal(UPSCALE, request.shownPrompt),
          inputs: [ctx.sources.picture(ctx.picture - 1)],
          model: target,
          imageSize: size,
          aspectRatio: request.aspectRatio,
          thinkingLevel: levelFor(target, record),
        },
      };
    }
  }
}

/** Who may delete a result: the member who asked for it, and members who may manage messages. */
export function mayDelete(who: {
  readonly userId: string;
  readonly ownerId: string;
  readonly canManageMessages: boolean;
}): boolean {
  return who.userId === who.ownerId || who.canManageMessages;
}
