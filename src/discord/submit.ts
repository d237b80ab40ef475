import {
  type ChatInputCommandInteraction,
  type Message,
  type MessageComponentInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { AppContext } from '../context.js';
import type { DeliveryTarget, JobRequest } from '../core/job.js';
import { upscaleSizes } from '../core/model-controls.js';
import type { PrepareTarget } from '../jobs/pipeline.js';
import { newControlId } from './controls/custom-id.js';
import type { ResultControls } from './controls/rows.js';
import { InteractionTarget } from './delivery.js';
import { NO_PINGS } from './no-pings.js';
import { Acknowledgement } from './acknowledge.js';
import { admitToServer } from './admission.js';
import { LogEvent } from '../log-events.js';
import type { Phrase, Voice } from '../text/catalogue.js';
import { serverVoice } from './voices.js';

/** Every interaction that can start a job: slash and context-menu commands, buttons, modals. */
export type JobInteraction =
  ChatInputCommandInteraction | MessageComponentInteraction | ModalSubmitInteraction;

/** An admitted job, as its origin makes its target: with the buttons its picture will carry. */
export type PreparedJob = Parameters<PrepareTarget>[0] & { readonly controls: ResultControls };

/**
 * Where a job came from, and so how it is answered: the one place that knows how a refused job is
 * told to its member and where an admitted one's progress and result go.
 */
export interface JobOrigin {
  /** What the member asked, as echoed back (a Vary's own instruction to Gemini is not shown). */
  readonly shownPrompt: string;
  /** The language the member is answered in, now and when the job is resumed after a crash. */
  readonly voice: Voice;
  /** The server's language, for an answer that lands in the channel instead (default: the member's). */
  readonly serverVoice?: Voice | undefined;
  /** Says, at once, why the job was not taken. */
  refuse(message: Phrase): Promise<void>;
  /**
   * The server takes the job (answered `privately` or not) and the pipeline's admission starts: an
   * origin that must answer within a deadline may acknowledge the job before admission answers.
   */
  admitting?(privately: boolean): void;
  /** Resolves once any acknowledgement in flight has landed: called before an error goes up. */
  settled?(): Promise<void>;
  /** Whether its answers can be shown to the member alone (an interaction's can). */
  readonly canHide: boolean;
  /** Makes the job's delivery target once it is admitted. */
  prepare(job: PreparedJob): DeliveryTarget | Promise<DeliveryTarget>;
}

/**
 * An interaction: refusals are private; the job answers in the deferred reply. The deferral is made
 * once the job is admitted, or earlier when admission is slow (Acknowledgement).
 */
export function interactionOrigin(
  ctx: Pick<AppContext, 'admissions'>,
  interaction: JobInteraction,
  voice: Voice,
  prompt: string,
  serverVoice?: Voice,
): JobOrigin {
  const ack = new Acknowledgement(interaction, ctx.admissions);
  return {
    shownPrompt: prompt,
    voice,
    serverVoice,
    admitting: (privately) => ack.soon(privately),
    settled: () => ack.settled(),
    refuse: (message) => ack.refuse({ content: voice.say(message), allowedMentions: NO_PINGS }),
    canHide: true,
    prepare({ log, controls, private: hidden, onPosted }) {
      // The deferral and the job start together: the job need not wait a round trip to Discord,
      // and every edit of the reply waits for the deferral. If it fails, the result goes to the
      // channel.
      const deferred = ack.defer(hidden).then((ok) => {
        if (!ok) {
          log.warn(
            { err: ack.failure },
            'could not defer the reply; the result will be posted in the channel',
          );
        }
        return ok;
      });
      return new InteractionTarget(interaction, prompt, voice, log, deferred, controls, {
        private: hidden,
        onPosted,
        ...(serverVoice ? { serverVoice } : {}),
      });
    },
  };
}

/**
 * A message (a refine by reply): refusals are short public replies, at most one per member per
 * minute so that a member over a limit cannot make the bot flood the channel.
 */
export function messageOrigin(
  message: Message,
  ctx: AppContext,
  voice: Voice,
  shownPrompt: string,
  prepare: (job: PreparedJob) => Promise<DeliveryTarget>,
): JobOrigin {
  return {
    shownPrompt,
    voice,
    async refuse(text) {
      if (!ctx.replyThrottle.allow(message.author.id)) return;
      await message.reply({ content: voice.say(text), allowedMentions: NO_PINGS });
    },
    canHide: false,
    prepare,
  };
}

/** The server's language for an interaction's job: what its channel reads when the reply cannot be used. */
export function interactionServerVoice(
  ctx: AppContext,
  interaction: JobInteraction,
): Promise<Voice | undefined> {
  if (!interaction.guildId) return Promise.resolve(undefined);
  return serverVoice(ctx, { id: interaction.guildId, preferredLocale: interaction.guildLocale });
}

/** A request made by an interaction: its member, server and channel are the interaction's. */
export function requestFrom(
  interaction: JobInteraction,
  what: Omit<JobRequest, 'userId' | 'guildId' | 'channelId'>,
): JobRequest {
  const roles = interaction.member?.roles;
  return {
    ...what,
    userId: interaction.user.id,
    guildId: interaction.guildId,
    channelId: interaction.channelId ?? '',
    parentChannelId: interaction.channel?.isThread()
      ? (interaction.channel.parentId ?? undefined)
      : undefined,
    // The gateway gives a cached member (a role manager), a bare interaction the ids themselves.
    memberRoles: roles === undefined ? [] : Array.isArray(roles) ? roles : [...roles.cache.keys()],
  };
}

/** An interaction's job, submitted and answered the way every interaction's job is. */
export async function submitInteractionJob(
  ctx: AppContext,
  interaction: JobInteraction,
  voice: Voice,
  what: Omit<JobRequest, 'userId' | 'guildId' | 'channelId'>,
): Promise<void> {
  return submitJob(
    ctx,
    requestFrom(interaction, what),
    interactionOrigin(ctx, interaction, voice, what.prompt, await interactionServerVoice(ctx, interaction)),
  );
}

/**
 * The one way in for every entry point: build a request, name its origin, submit. The server's
 * settings (channels, blocked words, defaults, role-only models) are applied here, before
 * anything is reserved or queued; the pipeline then checks limits, budgets and queue room. Every
 * picture gets its controls here: a fresh id that its buttons name and the store keeps its
 * request under.
 */
export async function submitJob(ctx: AppContext, request: JobRequest, origin: JobOrigin): Promise<void> {
  const settings = await ctx.settings.forGuild(request.guildId);
  const admitted = admitToServer({
    request,
    settings,
    bounds: ctx.settings.bounds,
    operatorWords: ctx.blockedWords,
    rosterDefault: ctx.models.defaultModel,
    canHide: origin.canHide,
  });
  if (!admitted.ok) {
    ctx.metrics.refused(admitted.reason);
    if (admitted.reason === 'blocked') {
      // Neither the prompt nor the word goes to the log: the moderation channel is the place for it.
      ctx.log.info(
        { event: LogEvent.promptBlocked, userId: request.userId, guildId: request.guildId },
        'prompt blocked',
      );
      ctx.moderationLog.blocked(request, settings);
    }
    await origin.refuse(admitted.message);
    return;
  }
  const id = newControlId();
  const offered = ctx.models.offered.map((o) => o.model);
  const controls: ResultControls = { id, upscaleSizes: upscaleSizes(offered, admitted.request.imageSize) };
  origin.admitting?.(admitted.request.private === true);
  let submission;
  try {
    submission = await ctx.pipeline.submit(
      {
        ...admitted.request,
        locale: origin.voice.locale,
        serverLocale: origin.serverVoice?.locale,
        controls: { id, shownPrompt: origin.shownPrompt },
      },
      (job) => origin.prepare({ ...job, controls }),
      admitted.policy,
    );
  } catch (err) {
    // Whoever answers the error sees how the member was answered so far.
    await origin.settled?.();
    throw err;
  }
  if (!submission.ok) await origin.refuse(submission.message);
}
