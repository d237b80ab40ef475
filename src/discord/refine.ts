import {
  DiscordAPIError,
  GuildPremiumTier,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  type Message,
  type SendableChannels,
} from 'discord.js';
import type { AppContext } from '../context.js';
import type { ResultRecord } from '../core/results.js';
import { UserError } from '../errors.js';
import { maxReferenceImages } from '../core/models.js';
import type { Logger } from '../logger.js';
import { isImageAttachment, messageImages, messageImageSource, pictureSource } from './attachments.js';
import { DEFAULT_UPLOAD_LIMIT, MessageTarget } from './delivery.js';
import { NO_PINGS } from './no-pings.js';
import { phrase, type Voice } from '../text/catalogue.js';
import { shorten } from '../text/length.js';
import { cleanPrompt, oneLine } from './prompt.js';
import { decideRefine } from './refine-decision.js';
import { messageOrigin, submitJob } from './submit.js';
import { serverVoice } from './voices.js';

const THREAD_NAME_MAX = 100;

/** Without a thread, where uploads go: boosted servers allow bigger files. */
function uploadLimitFor(message: Message): number {
  const tier = message.guild?.premiumTier ?? GuildPremiumTier.None;
  if (tier === GuildPremiumTier.Tier3) return 100 * 1024 * 1024;
  if (tier === GuildPremiumTier.Tier2) return 50 * 1024 * 1024;
  return DEFAULT_UPLOAD_LIMIT;
}

/** A thread is named after the conversation's first prompt, as plain text (no link syntax). */
export function threadName(rootPrompt: string, voice: Voice): string {
  const plain = oneLine(rootPrompt.replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1'));
  return shorten(plain, THREAD_NAME_MAX) || shorten(voice.t('refine.threadName'), THREAD_NAME_MAX);
}

/** What the bot may do in a channel, or null when Discord has not told us (DMs). */
function botPermissions(message: Message, channel: Message['channel']) {
  const me = message.guild?.members.me;
  return me && 'permissionsFor' in channel ? channel.permissionsFor(me) : null;
}

/**
 * Opens (or finds) the thread on the bot's picture; falls back to the picture's channel when it
 * cannot: no permission to make threads, a message Discord will not start one on.
 */
export async function threadOnPicture(
  picture: Message,
  parent: ResultRecord,
  name: string,
  log: Logger,
): Promise<SendableChannels> {
  const channel = picture.channel as SendableChannels;
  const perms = botPermissions(picture, picture.channel);
  const canThread =
    perms?.has(PermissionFlagsBits.CreatePublicThreads) &&
    perms.has(PermissionFlagsBits.SendMessagesInThreads);
  if (!canThread || !picture.guild || picture.channel.isThread()) return channel;
  try {
    if (picture.thread) return picture.thread;
    return await picture.startThread({ name, autoArchiveDuration: 1440 });
  } catch (err) {
    if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) {
      const existing = await picture.client.channels.fetch(parent.messageId);
      if (existing?.isSendable()) return existing;
    }
    log.warn({ err, messageId: parent.messageId }, 'could not start a thread; refining in the channel');
    return channel;
  }
}

/** The thread on the picture a member replied to; their channel when the picture cannot be had. */
async function threadFor(
  message: Message,
  parent: ResultRecord,
  name: string,
  log: Logger,
): Promise<SendableChannels> {
  const perms = botPermissions(message, message.channel);
  if (!perms?.has(PermissionFlagsBits.CreatePublicThreads) || !message.guild) {
    return message.channel as SendableChannels;
  }
  const picture = await message.fetchReference().catch((err: unknown) => {
    log.warn({ err, messageId: parent.messageId }, 'could not fetch the picture; refining in the channel');
    return undefined;
  });
  return picture ? threadOnPicture(picture, parent, name, log) : (message.channel as SendableChannels);
}

/** Handles a message that may ask to refine one of the bot's pictures. */
export async function handleRefineMessage(message: Message, ctx: AppContext): Promise<void> {
  const botId = message.client.user.id;
  // The instruction without the bot's mention (a reply that pings the bot may carry one).
  const instruction = message.content.replaceAll(`<@${botId}>`, '').replaceAll(`<@!${botId}>`, '');
  const decision = await decideRefine(
    {
      authorIsBot: message.author.bot || message.system,
      botId,
      content: instruction,
      attachmentCount: message.attachments.size,
      mentionsBot: message.mentions.users.has(botId),
      contentIntent: ctx.config.messageContentIntent,
      replyTo: message.reference?.messageId
        ? {
            messageId: message.reference.messageId,
            authorId: message.mentions.repliedUser?.id,
            fetch: async () => {
              const replied = await message.fetchReference();
              return {
                channelId: replied.channelId,
                guildId: replied.guildId,
                content: replied.content,
                hasImage: replied.attachments.some(isImageAttachment),
                createdAt: replied.createdTimestamp,
              };
            },
          }
        : undefined,
      channelId: message.channelId,
      thread: message.channel.isThread() ? { ownerId: message.channel.ownerId } : undefined,
    },
    ctx.store,
  );
  if (decision.kind === 'ignore' || !message.channel.isSendable()) return;
  const voice = await serverVoice(ctx, message.guild);
  if (decision.kind === 'hint') {
    await message.reply({ content: voice.say(decision.message), allowedMentions: NO_PINGS });
    return;
  }

  const prompt = cleanPrompt(instruction || 'Refine this picture.');
  const extra = messageImages(message);
  // The picture being refined is one of the model's input images too.
  const room = maxReferenceImages(ctx.models.defaultModel) - 1;
  if (extra.length > room) {
    throw new UserError(phrase('refine.tooManyImages', { count: room }));
  }
  const perms = botPermissions(message, message.channel);
  if (perms && !perms.has(PermissionFlagsBits.AttachFiles)) {
    throw new UserError(phrase('access.needAttachFiles'));
  }
  const { parent } = decision;
  // One read of the conversation serves both the history sent to Gemini and the thread's name. A
  // picture the store does not know is its own whole conversation; with no prompt to read, the
  // picture alone goes to Gemini as the member's input.
  const lineage =
    decision.known === false ? (parent.prompt ? [parent] : []) : await ctx.store.lineage(parent.messageId);
  await submitJob(
    ctx,
    {
      kind: 'refine',
      userId: message.author.id,
      guildId: message.guildId,
      channelId: message.channelId,
      parentChannelId: message.channel.isThread() ? (message.channel.parentId ?? undefined) : undefined,
      memberRoles: message.member ? [...message.member.roles.cache.keys()] : [],
      prompt,
      // Back to the model that made the picture: its thought signatures are its own.
      model: ctx.models.isOffered(parent.model) ? parent.model : undefined,
      inputs: extra.map((_, i) => messageImageSource(message, i)),
      refine: {
        parentMessageId: parent.messageId,
        previous: pictureSource(message.client, parent, 0),
        history: lineage.map((r) => ({ prompt: r.prompt, modelParts: r.modelParts })),
      },
    },
    messageOrigin(message, ctx, voice, prompt, async ({ log, controls, onPosted }) => {
      const channel =
        decision.placement === 'new-thread'
          ? await threadFor(message, parent, threadName((lineage[0] ?? parent).prompt, voice), log)
          : (message.channel as SendableChannels);
      // In the thread the result answers the member's message; in a new thread there is nothing to answer.
      const replyTo = channel.id === message.channelId ? message.id : undefined;
      return new MessageTarget(
        channel,
        replyTo,
        prompt,
        voice,
        message.author.id,
        uploadLimitFor(message),
        log,
        controls,
        onPosted,
      );
    }),
  );
}
