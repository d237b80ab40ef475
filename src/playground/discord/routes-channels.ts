import type { EmulatorCore } from './core.js';
import {
  cannotEditOthersMessage,
  cannotSendEmptyMessage,
  invalidFormBody,
  missingAccess,
  missingPermissions,
  threadAlreadyCreated,
  threadLocked,
  unknownChannel,
  unknownMessage,
  wrongChannelType,
} from './errors.js';
import { readMessageChanges } from './message-input.js';
import type { MessageChanges } from './message-input.js';
import { channelPayload, messagePayload, threadPayload } from './payloads.js';
import type { ContentVisibility } from './payloads.js';
import { Permission } from './permissions.js';
import { bodyObject, param } from './route-types.js';
import type { ApiRequest, RouteTable } from './route-types.js';
import { ChannelType } from './world.js';
import type { MessageRecord, ThreadRecord } from './types.js';

const AUTO_ARCHIVE_DURATIONS = [60, 1440, 4320, 10080];
const DEFAULT_AUTO_ARCHIVE = 1440;

/** Channel, message and thread routes the bot calls with its bot token. */
export function channelRoutes(core: EmulatorCore): RouteTable {
  const { world } = core;

  const channelFor = (req: ApiRequest, needed: bigint = Permission.ViewChannel) => {
    const id = param(req, 'channel_id');
    const found = world.findChannel(id);
    if (!found) throw unknownChannel();
    if (!world.botCan(id, Permission.ViewChannel)) throw missingAccess();
    if (!world.botCan(id, needed)) throw missingPermissions();
    return { id, ...found };
  };

  const messageIn = (channelId: string, messageId: string): MessageRecord => {
    const message = world.messageById.get(messageId);
    if (!message || message.deleted || message.ephemeral || message.channelId !== channelId) {
      throw unknownMessage();
    }
    return message;
  };

  // REST answers follow the app's approved intents, not what one gateway connection asked for.
  const restVisibility: ContentVisibility = (m) =>
    core.config.messageContentIntentAllowed ||
    m.author.id === world.bot.id ||
    m.guildId === null ||
    m.mentions.includes(world.bot.id);

  const limits = { attachmentSizeLimit: core.config.attachmentSizeLimit };

  return {
    'GET /channels/{channel_id}': (req) => {
      const { channel, thread } = channelFor(req);
      const body = thread
        ? threadPayload(thread, thread.memberIds.includes(world.bot.id), world.bot.id)
        : channelPayload(world, channel!);
      return { status: 200, body };
    },

    'PATCH /channels/{channel_id}': (req) => {
      const { thread } = channelFor(req);
      // Only threads the bot owns are editable without MANAGE_THREADS / MANAGE_CHANNELS, which it lacks.
      if (!thread || thread.ownerId !== world.bot.id) throw missingPermissions();
      applyThreadChanges(thread, bodyObject(req));
      core.publishThread('THREAD_UPDATE', thread);
      return {
        status: 200,
        body: threadPayload(thread, thread.memberIds.includes(world.bot.id), world.bot.id),
      };
    },

    'POST /channels/{channel_id}/messages': async (req) => {
      const { id, thread } = channelFor(req);
      const sendPermission = thread ? Permission.SendMessagesInThreads : Permission.SendMessages;
      if (!world.botCan(id, sendPermission)) throw missingPermissions();
      if (req.files.length > 0 && !world.botCan(id, Permission.AttachFiles)) throw missingPermissions();
      if (thread?.locked) throw threadLocked();
      const replying = bodyObject(req).message_reference !== undefined;
      if (replying && !world.botCan(id, Permission.ReadMessageHistory)) throw missingPermissions();
      const changes = await readMessageChanges(world, id, req.body, req.files, limits);
      if (isEmptyMessage(changes) && !hasStickers(req)) throw cannotSendEmptyMessage();
      if (thread?.archived) {
        // Posting in an archived (unlocked) thread reopens it, as on Discord.
        thread.archived = false;
        core.publishThread('THREAD_UPDATE', thread);
      }
      const message = core.createMessage({ channelId: id, author: world.bot, changes });
      return { status: 200, body: messagePayload(world, message) };
    },

    'GET /channels/{channel_id}/messages': (req) => {
      const { id } = channelFor(req, Permission.ReadMessageHistory);
      const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 50) || 50, 1), 100);
      const before = req.query.get('before');
      const after = req.query.get('after');
      let list = world.messages.filter((m) => m.channelId === id && !m.deleted && !m.ephemeral);
      if (before) list = list.filter((m) => BigInt(m.id) < BigInt(before));
      if (after) list = list.filter((m) => BigInt(m.id) > BigInt(after));
      // Discord answers newest first, except when paging forward with `after`.
      const page = after ? list.slice(0, limit).reverse() : list.slice(-limit).reverse();
      return { status: 200, body: page.map((m) => messagePayload(world, m, restVisibility)) };
    },

    'GET /channels/{channel_id}/messages/{message_id}': (req) => {
      const { id } = channelFor(req, Permission.ReadMessageHistory);
      const message = messageIn(id, param(req, 'message_id'));
      return { status: 200, body: messagePayload(world, message, restVisibility) };
    },

    'PATCH /channels/{channel_id}/messages/{message_id}': async (req) => {
      const { id, thread } = channelFor(req);
      const message = messageIn(id, param(req, 'message_id'));
      if (message.author.id !== world.bot.id) throw cannotEditOthersMessage();
      // An archived thread takes no edits until it is reopened, and a locked one cannot be reopened.
      if (thread?.archived || thread?.locked) throw threadLocked();
      const sendPermission = thread ? Permission.SendMessagesInThreads : Permission.SendMessages;
      if (!world.botCan(id, sendPermission)) throw missingPermissions();
      if (req.files.length > 0 && !world.botCan(id, Permission.AttachFiles)) throw missingPermissions();
      const changes = await readMessageChanges(world, id, req.body, req.files, limits, message.attachments);
      core.editMessage(message, changes);
      return { status: 200, body: messagePayload(world, message) };
    },

    'DELETE /channels/{channel_id}/messages/{message_id}': (req) => {
      const { id } = channelFor(req);
      const message = messageIn(id, param(req, 'message_id'));
      if (message.author.id !== world.bot.id) throw missingPermissions();
      core.deleteMessage(message);
      return { status: 204 };
    },

    'POST /channels/{channel_id}/typing': (req) => {
      channelFor(req);
      return { status: 204 };
    },

    'PUT /channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me': (req) => {
      const { id } = channelFor(req, Permission.AddReactions | Permission.ReadMessageHistory);
      const message = messageIn(id, param(req, 'message_id'));
      const emoji = param(req, 'emoji_name');
      if (!message.reactions.includes(emoji)) message.reactions.push(emoji);
      return { status: 204 };
    },

    'DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me': (req) => {
      const { id } = channelFor(req);
      const message = messageIn(id, param(req, 'message_id'));
      message.reactions = message.reactions.filter((r) => r !== param(req, 'emoji_name'));
      return { status: 204 };
    },

    'POST /channels/{channel_id}/messages/{message_id}/threads': (req) => {
      const { id, channel } = channelFor(req);
      if (!channel || channel.type !== ChannelType.GuildText) throw wrongChannelType();
      if (!world.botCan(id, Permission.CreatePublicThreads)) throw missingPermissions();
      const message = messageIn(id, param(req, 'message_id'));
      if (message.threadId !== null || world.threadById.has(message.id)) throw threadAlreadyCreated();
      const body = bodyObject(req);
      const thread = newThread(body, message, channel.guildId ?? world.guildId, world.bot.id);
      world.addThread(thread);
      message.threadId = thread.id;
      core.publishThread('THREAD_CREATE', thread);
      return { status: 201, body: threadPayload(thread, true, world.bot.id) };
    },
  };
}

function applyThreadChanges(thread: ThreadRecord, body: Record<string, unknown>): void {
  if ('name' in body) thread.name = checkThreadName(body.name);
  if ('auto_archive_duration' in body)
    thread.autoArchiveDuration = checkAutoArchive(body.auto_archive_duration);
  if (typeof body.archived === 'boolean') thread.archived = body.archived;
  if (typeof body.locked === 'boolean') thread.locked = body.locked;
}

function checkThreadName(name: unknown): string {
  if (typeof name !== 'string' || name.length < 1 || name.length > 100) {
    throw invalidFormBody(['name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  }
  return name;
}

function checkAutoArchive(duration: unknown): number {
  if (typeof duration !== 'number' || !AUTO_ARCHIVE_DURATIONS.includes(duration)) {
    throw invalidFormBody(
      ['auto_archive_duration'],
      'BASE_TYPE_CHOICES',
      `Value must be one of {${AUTO_ARCHIVE_DURATIONS.join(', ')}}.`,
    );
  }
  return duration;
}

function newThread(
  body: Record<string, unknown>,
  message: MessageRecord,
  guildId: string,
  botId: string,
): ThreadRecord {
  const name = checkThreadName(body.name);
  const duration = checkAutoArchive(body.auto_archive_duration ?? DEFAULT_AUTO_ARCHIVE);
  return {
    id: message.id,
    parentId: message.channelId,
    guildId,
    name,
    ownerId: botId,
    type: ChannelType.PublicThread,
    autoArchiveDuration: duration,
    createdAt: Date.now(),
    archived: false,
    locked: false,
    messageCount: 0,
    memberIds: [botId],
  };
}

export function isEmptyMessage(changes: MessageChanges): boolean {
  return (
    !changes.content &&
    (changes.embeds?.length ?? 0) === 0 &&
    (changes.attachments?.length ?? 0) === 0 &&
    (changes.components?.length ?? 0) === 0
  );
}

function hasStickers(req: ApiRequest): boolean {
  const stickers = bodyObject(req).sticker_ids;
  return Array.isArray(stickers) && stickers.length > 0;
}
