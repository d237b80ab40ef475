import {
  GuildPremiumTier,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  DiscordAPIError,
  type Client,
  type Message,
  type SendableChannels,
} from 'discord.js';
import type { AppContext } from '../context.js';
import type { HistoryTurn } from '../core/conversation.js';
import type { InputSource } from '../core/job.js';
import type { ResultRecord } from '../core/results.js';
import { UserError } from '../errors.js';
import { maxReferenceImages } from '../core/models.js';
import { attachmentSource, isImageAttachment } from './attachments.js';
import { DEFAULT_UPLOAD_LIMIT, MessageTarget } from './delivery.js';
import { decideRefine } from './refine-decision.js';
import { cleanPrompt } from './start-job.js';

const THREAD_NAME_MAX = 100;

/** Without a thread, where uploads go: boosted servers allow bigger files. */
function uploadLimitFor(message: Message): number {
  const tier = message.guild?.premiumTier ?? GuildPremiumTier.None;
  if (tier === GuildPremiumTier.Tier3) return 100 * 1024 * 1024;
  if (tier === GuildPremiumTier.Tier2) return 50 * 1024 * 1024;
  return DEFAULT_UPLOAD_LIMIT;
}

/** The picture of a delivered message, fetched again when the job starts (CDN links expire). */
function previousImageSource(client: Client, parent: ResultRecord): InputSource {
  return {
    filename: 'previous picture',
    async url() {
      const channel = await client.channels.fetch(parent.channelId);
      if (!channel?.isTextBased()) throw new UserError('I can no longer see the picture you replied to.');
      const message = await channel.messages.fetch(parent.messageId).catch(() => undefined);
      const image = message?.attachments.find(isImageAttachment);
      if (!image) throw new UserError('The picture you replied to is gone, so I cannot refine it.');
      return image.url;
    },
  };
}

function historyOf(ctx: AppContext, parent: ResultRecord): HistoryTurn[] {
  return ctx.store.lineage(parent.messageId).map((r) => ({ prompt: r.prompt, modelParts: r.modelParts }));
}

function threadName(ctx: AppContext, parent: ResultRecord): string {
  const root = ctx.store.lineage(parent.messageId)[0] ?? parent;
  const name = root.prompt.replace(/\s+/g, ' ').trim();
  return (name.length > THREAD_NAME_MAX ? `${name.slice(0, THREAD_NAME_MAX - 1)}…` : name) || 'Refinements';
}

/** Opens (or finds) the thread on the bot's picture; falls back to the channel when it cannot. */
async function threadFor(message: Message, parent: ResultRecord, ctx: AppContext): Promise<SendableChannels> {
  const channel = message.channel;
  const me = message.guild?.members.me;
  const perms = me && 'permissionsFor' in channel ? channel.permissionsFor(me) : null;
  const canThread =
    perms?.has(PermissionFlagsBits.CreatePublicThreads) &&
    perms.has(PermissionFlagsBits.SendMessagesInThreads);
  if (!canThread || !message.guild) return channel as SendableChannels;
  try {
    const picture = await message.fetchReference();
    if (picture.thread) return picture.thread;
    return await picture.startThread({ name: threadName(ctx, parent), autoArchiveDuration: 1440 });
  } catch (err) {
    if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) {
      const existing = await message.client.channels.fetch(parent.messageId);
      if (existing?.isSendable()) return existing;
    }
    ctx.log.warn({ err, messageId: parent.messageId }, 'could not start a thread; refining in the channel');
    return channel as SendableChannels;
  }
}

/** Handles a message that may ask to refine one of the bot's pictures. */
export async function handleRefineMessage(message: Message, ctx: AppContext): Promise<void> {
  const botId = message.client.user.id;
  // The instruction without the bot's mention (a reply that pings the bot may carry one).
  const text = message.content.replaceAll(`<@${botId}>`, '').replaceAll(`<@!${botId}>`, '');
  const decision = decideRefine(
    {
      authorIsBot: message.author.bot || message.system,
      botId,
      content: text,
      attachmentCount: message.attachments.size,
      mentionsBot: message.mentions.users.has(botId),
      contentIntent: ctx.config.messageContentIntent,
      replyTo: message.reference?.messageId
        ? {
            messageId: message.reference.messageId,
            // Only the bot's own pictures are in the store, so a stored id is the bot's message.
            authorId: ctx.store.getResult(message.reference.messageId)
              ? botId
              : message.mentions.repliedUser?.id,
          }
        : undefined,
      channelId: message.channelId,
      thread: message.channel.isThread() ? { ownerId: message.channel.ownerId } : undefined,
    },
    ctx.store,
  );
  if (decision.kind === 'ignore') return;
  if (!message.channel.isSendable()) return;
  if (decision.kind === 'hint') {
    await message.reply({ content: decision.message, allowedMentions: { parse: [], repliedUser: false } });
    return;
  }

  let prompt: string;
  try {
    prompt = cleanPrompt(text || 'Refine this picture.');
  } catch (err) {
    await message.reply({
      content: (err as Error).message,
      allowedMentions: { parse: [], repliedUser: false },
    });
    return;
  }
  const extra = [...message.attachments.values()].filter(isImageAttachment);
  // The picture being refined is one of the model's input images too.
  const room = maxReferenceImages(ctx.models.defaultModel) - 1;
  if (extra.length > room) {
    await message.reply({
      content: `⚠️ I can take at most ${room} extra image${room === 1 ? '' : 's'} with a refine (the picture itself is one more).`,
      allowedMentions: { parse: [], repliedUser: false },
    });
    return;
  }
  const admission = await ctx.pipeline.admit(message.author.id);
  if (!admission.ok) {
    await message.reply({ content: admission.message, allowedMentions: { parse: [], repliedUser: false } });
    return;
  }

  const channel =
    decision.placement === 'new-thread' ? await threadFor(message, decision.parent, ctx) : message.channel;
  const id = ctx.newJobId();
  const log = ctx.log.child({ jobId: id, userId: message.author.id, guildId: message.guildId });
  ctx.pipeline.enqueue({
    id,
    kind: 'refine',
    userId: message.author.id,
    guildId: message.guildId,
    channelId: channel.id,
    prompt,
    inputs: extra.map(attachmentSource),
    refine: {
      parentMessageId: decision.parent.messageId,
      previous: previousImageSource(message.client, decision.parent),
      history: historyOf(ctx, decision.parent),
    },
    // In the thread the result answers the user's message; in a new thread there is nothing to answer.
    target: new MessageTarget(
      channel,
      channel.id === message.channelId ? message.id : undefined,
      prompt,
      message.author.id,
      uploadLimitFor(message),
    ),
    log,
  });
}
