import {
  AttachmentBuilder,
  DiscordAPIError,
  RESTJSONErrorCodes,
  type Message,
  type MessageCreateOptions,
  type SendableChannels,
} from 'discord.js';
import type { Logger } from '../logger.js';
import type { DeliverableImage } from '../core/images.js';
import type { DeliveredMessage, DeliveryTarget, JobResult, JobStatus } from '../core/job.js';
import { text } from '../text/catalogue.js';
import { NO_PINGS, pingOnly } from './no-pings.js';
import type { JobInteraction } from './submit.js';
import { renderProgress, renderResult } from './render.js';

export const DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024;
const MAX_FILES_PER_MESSAGE = 10;
const MAX_REQUEST_BYTES = 25 * 1024 * 1024;
/** Tokens live 15 minutes; stop using one a little early rather than race its expiry. */
const TOKEN_LIFETIME_MS = 15 * 60_000 - 30_000;

/** Splits files into groups that each fit one message: at most 10, at most 25 MiB in all. */
export function groupFiles(images: readonly DeliverableImage[]): DeliverableImage[][] {
  const groups: DeliverableImage[][] = [];
  let current: DeliverableImage[] = [];
  let bytes = 0;
  for (const image of images) {
    if (
      current.length > 0 &&
      (current.length >= MAX_FILES_PER_MESSAGE || bytes + image.data.length > MAX_REQUEST_BYTES)
    ) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(image);
    bytes += image.data.length;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

const toFiles = (images: readonly DeliverableImage[]) =>
  images.map((i) => new AttachmentBuilder(i.data, { name: i.filename, description: text('fit.altText') }));

/**
 * A progress message's files: the draft, if the status has one. `attachments: []` drops the
 * earlier draft, so a status without one (a retry) never shows a stale picture.
 */
function progressFiles(status: JobStatus) {
  if (status.state !== 'generating' || !status.draft) return { attachments: [] };
  const { data, filename } = status.draft;
  return {
    files: [new AttachmentBuilder(data, { name: filename, description: text('progress.draftAltText') })],
    attachments: [],
  };
}

/** Discord's answer when an interaction token is expired or gone: the job must go out another way. */
const DEAD_TOKEN_CODES: ReadonlySet<unknown> = new Set([
  RESTJSONErrorCodes.InvalidWebhookToken,
  RESTJSONErrorCodes.UnknownWebhook,
  RESTJSONErrorCodes.UnknownInteraction,
  RESTJSONErrorCodes.UnknownMessage,
]);

function isDeadToken(err: unknown): boolean {
  return err instanceof DiscordAPIError && DEAD_TOKEN_CODES.has(err.code);
}

/** Where a message landed; the caller says whether that channel is a thread (the cache may not know it yet). */
function where(message: Message, inThread: boolean): DeliveredMessage {
  return {
    messageId: message.id,
    channelId: message.channelId,
    threadId: inThread ? message.channelId : null,
  };
}

/**
 * The reply to a slash command: progress and the result edit the deferred reply; once the token
 * has expired (long queues) the result goes to the channel as a normal message that mentions the
 * user, and only that user.
 */
export class InteractionTarget implements DeliveryTarget {
  readonly uploadLimit: number;
  private tokenDead = false;

  constructor(
    private readonly interaction: JobInteraction,
    private readonly prompt: string,
    private readonly log: Logger,
    /** Resolves to whether the reply was deferred; every edit waits for it. */
    private readonly deferred: Promise<boolean> = Promise.resolve(true),
    private readonly now: () => number = Date.now,
  ) {
    this.uploadLimit = interaction.attachmentSizeLimit || DEFAULT_UPLOAD_LIMIT;
  }

  private async tokenUsable(): Promise<boolean> {
    if (!(await this.deferred)) this.tokenDead = true;
    return !this.tokenDead && this.now() - this.interaction.createdTimestamp < TOKEN_LIFETIME_MS;
  }

  async progress(status: JobStatus): Promise<void> {
    if (!(await this.tokenUsable())) return;
    try {
      await this.interaction.editReply({
        content: renderProgress(status, this.prompt),
        ...progressFiles(status),
        allowedMentions: NO_PINGS,
      });
    } catch (err) {
      if (isDeadToken(err)) this.tokenDead = true;
      else throw err;
    }
  }

  async deliver(result: JobResult): Promise<DeliveredMessage | undefined> {
    const content = renderResult(result, this.prompt, this.interaction.user.id);
    const groups = result.kind === 'images' ? groupFiles(result.images) : [[]];
    if (await this.tokenUsable()) {
      try {
        const first = await this.interaction.editReply({
          content,
          files: toFiles(groups[0] ?? []),
          allowedMentions: NO_PINGS,
        });
        for (const group of groups.slice(1)) {
          await this.interaction.followUp({ files: toFiles(group), allowedMentions: NO_PINGS });
        }
        return result.kind === 'images' ? where(first, !!this.interaction.channel?.isThread()) : undefined;
      } catch (err) {
        if (!isDeadToken(err)) throw err;
        this.tokenDead = true;
        this.log.info(
          { interactionId: this.interaction.id },
          'interaction token expired; delivering in the channel',
        );
      }
    }
    const { channelId } = this.interaction;
    const channel =
      this.interaction.channel ??
      (channelId ? await this.interaction.client.channels.fetch(channelId) : null);
    if (!channel?.isSendable())
      throw new Error('the command’s channel is not reachable for a fallback message');
    const sent = await sendGroups(channel, content, groups, pingOnly(this.interaction.user.id));
    return result.kind === 'images' ? where(sent, channel.isThread()) : undefined;
  }
}

async function sendGroups(
  channel: SendableChannels,
  content: string,
  groups: DeliverableImage[][],
  allowedMentions: MessageCreateOptions['allowedMentions'],
  replyTo?: string | undefined,
): Promise<Message> {
  const first = await channel.send({
    content,
    files: toFiles(groups[0] ?? []),
    allowedMentions,
    ...(replyTo ? { reply: { messageReference: replyTo, failIfNotExists: false } } : {}),
  });
  for (const group of groups.slice(1)) {
    await channel.send({ files: toFiles(group), allowedMentions: NO_PINGS });
  }
  return first;
}

/**
 * A refine: progress is a reply to the user's message in the thread (or channel), which the
 * result then replaces, so the picture lands where the conversation is.
 */
export class MessageTarget implements DeliveryTarget {
  private placeholder: Message | undefined;

  constructor(
    private readonly channel: SendableChannels,
    private readonly replyTo: string | undefined,
    private readonly prompt: string,
    private readonly userId: string,
    readonly uploadLimit: number,
  ) {}

  async progress(status: JobStatus): Promise<void> {
    const content = renderProgress(status, this.prompt);
    if (this.placeholder) {
      await this.placeholder.edit({ content, ...progressFiles(status), allowedMentions: NO_PINGS });
    } else {
      const { files } = progressFiles(status);
      this.placeholder = await this.channel.send({
        content,
        ...(files ? { files } : {}),
        allowedMentions: NO_PINGS,
        ...(this.replyTo ? { reply: { messageReference: this.replyTo, failIfNotExists: false } } : {}),
      });
    }
  }

  async deliver(result: JobResult): Promise<DeliveredMessage | undefined> {
    const content = renderResult(result, this.prompt, this.userId);
    const groups = result.kind === 'images' ? groupFiles(result.images) : [[]];
    if (this.placeholder) {
      const edited = await this.placeholder.edit({
        content,
        files: toFiles(groups[0] ?? []),
        attachments: [],
        allowedMentions: NO_PINGS,
      });
      for (const group of groups.slice(1)) {
        await this.channel.send({ files: toFiles(group), allowedMentions: NO_PINGS });
      }
      return result.kind === 'images' ? where(edited, this.channel.isThread()) : undefined;
    }
    const sent = await sendGroups(this.channel, content, groups, NO_PINGS, this.replyTo);
    return result.kind === 'images' ? where(sent, this.channel.isThread()) : undefined;
  }
}
