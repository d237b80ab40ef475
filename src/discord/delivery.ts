import {
  AttachmentBuilder,
  DiscordAPIError,
  InteractionWebhook,
  MessageFlags,
  RESTJSONErrorCodes,
  type Client,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type Message,
  type MessageEditOptions,
  type SendableChannels,
} from 'discord.js';
import type { Logger } from '../logger.js';
import type { DeliverableImage } from '../core/images.js';
import type {
  DeliveredMessage,
  DeliveryTarget,
  JobResult,
  JobStatus,
  OnVisible,
  TargetRef,
} from '../core/job.js';
import { LogEvent } from '../log-events.js';
import type { Voice } from '../text/catalogue.js';
import {
  DeliveryLost,
  FallbackChain,
  inLayout,
  PlaceUnavailable,
  sendLayout,
  type Layout,
  type Place,
} from './fallback.js';
import { NO_PINGS } from './no-pings.js';
import { channelPlace, dmPlace, parentPlace, toFiles } from './places.js';
import type { JobInteraction } from './submit.js';
import { MAX_LINK_ROWS, resultComponents } from './grounding-links.js';
import { CONTROL_ROWS, controlRows, type ResultControls } from './controls/rows.js';
import { altText, renderNotPosted, renderProgress, renderRestNotPosted, renderResult } from './render.js';

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

/**
 * A progress message's files: the draft, if the status has one. `attachments: []` drops the
 * earlier draft, so a status without one (a retry) never shows a stale picture.
 */
function progressFiles(voice: Voice, status: JobStatus) {
  if (status.state !== 'generating' || !status.draft) return { attachments: [] };
  const { data, filename } = status.draft;
  return {
    files: [new AttachmentBuilder(data, { name: filename, description: voice.t('progress.draftAltText') })],
    attachments: [],
  };
}

/** Discord's answer when an interaction token is expired or gone. */
const DEAD_TOKEN_CODES: ReadonlySet<unknown> = new Set([
  RESTJSONErrorCodes.InvalidWebhookToken,
  RESTJSONErrorCodes.UnknownWebhook,
  RESTJSONErrorCodes.UnknownInteraction,
]);

const isDeadToken = (err: unknown) => err instanceof DiscordAPIError && DEAD_TOKEN_CODES.has(err.code);
/** Someone deleted the message being edited (the reply, the placeholder). */
const isGone = (err: unknown) =>
  err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownMessage;

/** A result as messages: the words, the pictures in groups, and under the first the links and the buttons. */
function layoutOf(
  voice: Voice,
  result: JobResult,
  prompt: string,
  userId: string,
  controls: ResultControls | undefined,
): Layout {
  const groups = result.kind === 'images' ? groupFiles(result.images) : [];
  const buttons = controls && groups[0] ? controlRows(voice, controls, groups[0].length) : [];
  const linkRows = buttons.length > 0 ? MAX_LINK_ROWS + 1 - CONTROL_ROWS : MAX_LINK_ROWS;
  return {
    content: renderResult(voice, result, prompt, userId, linkRows),
    components: [...resultComponents(result, linkRows), ...buttons],
    groups,
    altText: altText(voice, prompt),
    notPosted: (problem) => renderNotPosted(voice, prompt, userId, problem),
    restNotPosted: (count, problem) => renderRestNotPosted(voice, count, problem),
  };
}

/** A place whose messages are said as `layout` lays the result out (the same result, another language). */
function saying(place: Place, layout: Layout): Place {
  return { ...place, post: (m) => place.post(inLayout(m, layout)) };
}

/** Sends a result down its places; a result that reaches no one is logged as a lost job. */
async function deliverDown(
  places: Place[],
  layout: Layout,
  log: Logger,
  userId: string,
  onVisible: OnVisible | undefined,
  onPosted: ((path: string) => void) | undefined,
): Promise<DeliveredMessage | undefined> {
  const chain = new FallbackChain(places, log, onPosted);
  try {
    return await sendLayout(chain, layout, log, onVisible);
  } catch (err) {
    if (err instanceof DeliveryLost) {
      log.error(
        { event: LogEvent.jobLost, member: userId, failures: chain.failures },
        'job lost: its result could not reach its member by any way',
      );
    }
    throw err;
  }
}

export interface InteractionTargetOptions {
  readonly now?: () => number;
  /**
   * The reply was deferred ephemeral: a follow-up is ephemeral too, and the result never goes to
   * the channel (the server keeps pictures out of it); a DM is still private.
   */
  readonly private?: boolean;
  /** Told the path of every message posted (for the deliveries metric). */
  readonly onPosted?: (path: string) => void;
  /**
   * The server's language (pinned, else its preferred locale): a result that falls back to the
   * channel answers no interaction any more, so it is said in it. Default: the member's.
   */
  readonly serverVoice?: Voice;
}

/**
 * What InteractionTarget uses of an interaction: the live one, or one rebuilt from its token by a
 * process resuming the job after a crash (resumedInteraction).
 */
export interface ReplyHandle {
  readonly applicationId: string;
  readonly token: string;
  readonly user: { readonly id: string };
  readonly channel: JobInteraction['channel'];
  readonly channelId: string | null;
  readonly client: Client;
  readonly createdTimestamp: number;
  readonly attachmentSizeLimit: number;
  /** A component's interaction: the message its button is under. */
  readonly message?: { readonly id: string } | null | undefined;
  editReply(options: InteractionEditReplyOptions): Promise<Message>;
  followUp(options: InteractionReplyOptions): Promise<Message>;
}

/** An interaction's reply as another process reaches it: through its token, until the token dies. */
export function resumedInteraction(
  client: Client<true>,
  ref: Extract<TargetRef, { kind: 'interaction' }>,
): ReplyHandle {
  const webhook = new InteractionWebhook(client, ref.applicationId, ref.token);
  return {
    applicationId: ref.applicationId,
    token: ref.token,
    user: { id: ref.userId },
    channel: null,
    channelId: ref.channelId,
    client,
    createdTimestamp: ref.createdAt,
    attachmentSizeLimit: ref.uploadLimit,
    editReply: (options) => webhook.editMessage('@original', options),
    followUp: (options) => webhook.send(options),
  };
}

/**
 * The reply to a slash command or a component. The result edits the deferred reply; if that is
 * gone, a follow-up; once the token has expired (long queues) a channel message that mentions
 * the member; then words alone; then a DM.
 */
export class InteractionTarget implements DeliveryTarget {
  readonly uploadLimit: number;
  private tokenDead = false;
  private replyGone = false;
  private readonly now: () => number;

  readonly ref: TargetRef;

  constructor(
    private readonly interaction: ReplyHandle,
    private readonly prompt: string,
    /** The language the member is answered in. */
    private readonly voice: Voice,
    private readonly log: Logger,
    /** Resolves to whether the reply was deferred; every edit waits for it. */
    private readonly deferred: Promise<boolean> = Promise.resolve(true),
    /** The buttons the result's picture gets; none without. */
    private readonly controls?: ResultControls,
    private readonly options: InteractionTargetOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.uploadLimit = interaction.attachmentSizeLimit || DEFAULT_UPLOAD_LIMIT;
    this.ref = {
      kind: 'interaction',
      applicationId: interaction.applicationId,
      token: interaction.token,
      createdAt: interaction.createdTimestamp,
      channelId: interaction.channelId ?? '',
      userId: interaction.user.id,
      prompt,
      uploadLimit: this.uploadLimit,
      ...(options.private ? { private: true } : {}),
    };
  }

  private async tokenUsable(): Promise<boolean> {
    if (!(await this.deferred)) this.tokenDead = true;
    return !this.tokenDead && this.now() - this.interaction.createdTimestamp < TOKEN_LIFETIME_MS;
  }

  async progress(status: JobStatus): Promise<void> {
    if (this.replyGone || !(await this.tokenUsable())) return;
    try {
      await this.interaction.editReply({
        content: renderProgress(this.voice, status, this.prompt),
        ...progressFiles(this.voice, status),
        allowedMentions: NO_PINGS,
      });
    } catch (err) {
      if (isDeadToken(err)) this.tokenDead = true;
      else if (isGone(err)) this.replyGone = true;
      else throw err;
    }
  }

  deliver(result: JobResult, onVisible?: OnVisible): Promise<DeliveredMessage | undefined> {
    const userId = this.interaction.user.id;
    const layout = layoutOf(this.voice, result, this.prompt, userId, this.controls);
    const server = this.options.serverVoice;
    const inChannel =
      server && server !== this.voice ? layoutOf(server, result, this.prompt, userId, this.controls) : layout;
    return deliverDown(this.places(inChannel), layout, this.log, userId, onVisible, this.options.onPosted);
  }

  /** The ways to the member; the channel's are said as `inChannel` lays the result out. */
  private places(inChannel: Layout): Place[] {
    const i = this.interaction;
    const userId = i.user.id;
    const inThread = () => !!i.channel?.isThread();
    const channel = async () => {
      const found = i.channel ?? (i.channelId ? await i.client.channels.fetch(i.channelId) : null);
      if (!found?.isSendable()) throw new PlaceUnavailable('the command’s channel is not reachable');
      return found;
    };
    const viaToken = { credential: 'interaction token', inThread };
    // A button's result answers the picture it was pressed under, in the channel as in the reply.
    const replyTo = i.message?.id;
    return [
      {
        ...viaToken,
        name: 'reply',
        firstOnly: true,
        usable: async () => !this.replyGone && (await this.tokenUsable()),
        post: (m) =>
          i.editReply({
            content: m.content,
            files: toFiles(m),
            components: [...(m.components ?? [])],
            allowedMentions: NO_PINGS,
          }),
      },
      {
        ...viaToken,
        name: 'follow-up',
        usable: () => this.tokenUsable(),
        post: (m) =>
          i.followUp({
            content: m.content,
            files: toFiles(m),
            ...(m.components ? { components: [...m.components] } : {}),
            ...(this.options.private ? { flags: MessageFlags.Ephemeral } : {}),
            allowedMentions: NO_PINGS,
          }),
      },
      ...(this.options.private
        ? []
        : [channelPlace('channel', channel, userId, { replyTo }), parentPlace(channel, userId)].map((place) =>
            saying(place, inChannel),
          )),
      dmPlace(i.client, userId, i.channelId ?? '', this.voice),
    ];
  }
}

/** The progress message of a refine: the one this process posted, or one found by its id. */
interface PlaceholderMessage {
  readonly id: string;
  edit(options: MessageEditOptions): Promise<Message>;
}

/**
 * A refine: progress is a reply to the member's message in the thread (or channel), which the
 * result then replaces, so the picture lands where the conversation is. If the placeholder is
 * gone, a new reply; if the thread refuses posts, its parent channel; then words alone; then a DM.
 */
export class MessageTarget implements DeliveryTarget {
  private placeholder: PlaceholderMessage | undefined;
  private placeholderGone = false;
  private refListener: ((ref: TargetRef) => void) | undefined;

  constructor(
    private readonly channel: SendableChannels,
    private readonly replyTo: string | undefined,
    private readonly prompt: string,
    private readonly voice: Voice,
    private readonly userId: string,
    readonly uploadLimit: number,
    private readonly log: Logger,
    private readonly controls?: ResultControls,
    private readonly onPosted?: (path: string) => void,
    /** A placeholder posted before (by a process that died): edited, not posted again. */
    placeholderId?: string,
  ) {
    if (placeholderId) {
      this.placeholder = {
        id: placeholderId,
        edit: (options) => this.channel.messages.edit(placeholderId, options),
      };
    }
  }

  get ref(): TargetRef {
    const { channel, replyTo, prompt, userId, uploadLimit } = this;
    const placeholderId = this.placeholderGone ? undefined : this.placeholder?.id;
    return {
      kind: 'message',
      channelId: channel.id,
      replyTo,
      userId,
      prompt,
      uploadLimit,
      ...(placeholderId ? { placeholderId } : {}),
    };
  }

  onRefChange(listener: (ref: TargetRef) => void): void {
    this.refListener = listener;
  }

  async progress(status: JobStatus): Promise<void> {
    if (this.placeholderGone) return;
    const content = renderProgress(this.voice, status, this.prompt);
    if (this.placeholder) {
      try {
        await this.placeholder.edit({
          content,
          ...progressFiles(this.voice, status),
          allowedMentions: NO_PINGS,
        });
      } catch (err) {
        // Deleted by someone: the result will be a new reply, and no new placeholder is posted.
        if (isGone(err)) this.placeholderGone = true;
        else throw err;
      }
    } else {
      const { files } = progressFiles(this.voice, status);
      this.placeholder = await this.channel.send({
        content,
        ...(files ? { files } : {}),
        allowedMentions: NO_PINGS,
        ...(this.replyTo ? { reply: { messageReference: this.replyTo, failIfNotExists: false } } : {}),
      });
      // Written down, so that a process finishing the job after a crash edits this message.
      this.refListener?.(this.ref);
    }
  }

  deliver(result: JobResult, onVisible?: OnVisible): Promise<DeliveredMessage | undefined> {
    const layout = layoutOf(this.voice, result, this.prompt, this.userId, this.controls);
    return deliverDown(this.places(), layout, this.log, this.userId, onVisible, this.onPosted);
  }

  private places(): Place[] {
    const { channel, userId } = this;
    const inThread = () => channel.isThread();
    return [
      {
        name: 'placeholder',
        firstOnly: true,
        inThread,
        usable: () => !!this.placeholder && !this.placeholderGone,
        post: (m) =>
          this.placeholder!.edit({
            content: m.content,
            files: toFiles(m),
            attachments: [],
            components: [...(m.components ?? [])],
            allowedMentions: NO_PINGS,
          }),
      },
      {
        ...channelPlace(channel.isThread() ? 'thread' : 'channel', () => Promise.resolve(channel), userId, {
          replyTo: this.replyTo,
          // A reply in the conversation is seen where it is; it pings no one.
          ping: false,
        }),
        inThread,
      },
      parentPlace(() => Promise.resolve(channel), userId),
      dmPlace(channel.client, userId, channel.id, this.voice),
    ];
  }
}
