import { randomBytes } from 'node:crypto';
import { createSnowflakeGenerator } from './snowflake.js';
import {
  DM_APP_PERMISSIONS,
  MODERATOR_PERMISSIONS,
  ORDINARY_MEMBER_PERMISSIONS,
  hasPermission,
} from './permissions.js';
import type {
  AttachmentRecord,
  FakeUser,
  InteractionState,
  MessageRecord,
  RegisteredCommand,
  ThreadRecord,
} from './types.js';

export const ChannelType = { GuildText: 0, DM: 1, PublicThread: 11 } as const;

export interface ChannelRecord {
  id: string;
  type: number;
  guildId: string | null;
  name: string | null;
  /** The user of a DM channel. */
  recipientId: string | null;
  position: number;
  lastMessageId: string | null;
}

export interface StoredFile {
  id: string;
  channelId: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface WorldSettings {
  botUsername: string;
  guildName: string;
  channelName: string;
  botPermissions: bigint;
  extraChannels?: readonly string[];
  /** The guild's `preferred_locale`, as GUILD_CREATE and interactions' `guild_locale` carry it. */
  preferredLocale: string;
}

// Fixed ids (2023-era snowflakes) so logs and fixtures stay stable between runs.
export const FIXED_IDS = {
  application: '1090000000000000001',
  guild: '1090000000000000100',
  everyoneRole: '1090000000000000100',
  botRole: '1090000000000000101',
  memberRole: '1090000000000000102',
  channel: '1090000000000000200',
  owner: '1090000000000001000',
  alice: '1090000000000001001',
  bob: '1090000000000001002',
  carol: '1090000000000001003',
  moderator: '1090000000000001004',
} as const;

/** Everything the emulated Discord knows: one guild, its channel, users, messages, threads, files. */
export class World {
  readonly nextId = createSnowflakeGenerator();
  readonly applicationId = FIXED_IDS.application;
  readonly guildId = FIXED_IDS.guild;
  readonly everyoneRoleId = FIXED_IDS.everyoneRole;
  readonly botRoleId = FIXED_IDS.botRole;
  readonly memberRoleId = FIXED_IDS.memberRole;
  readonly channelId = FIXED_IDS.channel;
  readonly createdAt = Date.now();
  readonly bot: FakeUser;
  readonly owner: FakeUser;
  /** Ordinary members, and a moderator who may also manage messages. */
  readonly namedUsers: { alice: FakeUser; bob: FakeUser; carol: FakeUser; moderator: FakeUser };
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly messages: MessageRecord[] = [];
  readonly messageById = new Map<string, MessageRecord>();
  readonly threads: ThreadRecord[] = [];
  readonly threadById = new Map<string, ThreadRecord>();
  readonly files = new Map<string, StoredFile>();
  readonly globalCommands: RegisteredCommand[] = [];
  readonly guildCommands = new Map<string, RegisteredCommand[]>();
  readonly interactions = new Map<string, InteractionState>();
  readonly interactionByToken = new Map<string, InteractionState>();
  baseUrl = '';
  /** How long a CDN link stays valid after it is handed out (Discord: a day); tests shorten it. */
  linkLifetimeSeconds = 86_400;

  constructor(readonly settings: WorldSettings) {
    // Newer applications share their id with their bot user.
    this.bot = { id: this.applicationId, username: settings.botUsername, globalName: null, bot: true };
    this.owner = makeUser(FIXED_IDS.owner, 'guild-owner');
    this.namedUsers = {
      alice: makeUser(FIXED_IDS.alice, 'alice'),
      bob: makeUser(FIXED_IDS.bob, 'bob'),
      carol: makeUser(FIXED_IDS.carol, 'carol'),
      moderator: makeUser(FIXED_IDS.moderator, 'moderator'),
    };
    for (const user of [this.bot, this.owner, ...Object.values(this.namedUsers)]) {
      this.users.set(user.id, user);
    }
    this.channels.set(this.channelId, {
      id: this.channelId,
      type: ChannelType.GuildText,
      guildId: this.guildId,
      name: settings.channelName,
      recipientId: null,
      position: 0,
      lastMessageId: null,
    });
    for (const [i, name] of (settings.extraChannels ?? []).entries()) {
      const id = `10900000000000002${String(i + 1).padStart(2, '0')}`;
      this.channels.set(id, {
        id,
        type: ChannelType.GuildText,
        guildId: this.guildId,
        name,
        recipientId: null,
        position: i + 1,
        lastMessageId: null,
      });
    }
  }

  /** The id of a guild text channel by name. */
  channelNamed(name: string): string {
    for (const c of this.channels.values()) if (c.guildId === this.guildId && c.name === name) return c.id;
    throw new Error(`no channel named ${name}`);
  }

  newToken(): string {
    return `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`;
  }

  dmChannelFor(user: FakeUser): ChannelRecord {
    for (const channel of this.channels.values()) {
      if (channel.type === ChannelType.DM && channel.recipientId === user.id) return channel;
    }
    const channel: ChannelRecord = {
      id: this.nextId(),
      type: ChannelType.DM,
      guildId: null,
      name: null,
      recipientId: user.id,
      position: 0,
      lastMessageId: null,
    };
    this.users.set(user.id, user);
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** A channel or a thread; threads answer with their parent's guild. */
  findChannel(id: string): { channel: ChannelRecord | null; thread: ThreadRecord | null } | null {
    const channel = this.channels.get(id);
    if (channel) return { channel, thread: null };
    const thread = this.threadById.get(id);
    if (thread) return { channel: null, thread };
    return null;
  }

  guildIdOf(channelOrThreadId: string): string | null {
    const found = this.findChannel(channelOrThreadId);
    if (!found) return null;
    return found.thread ? found.thread.guildId : (found.channel?.guildId ?? null);
  }

  guildMemberIds(): string[] {
    return [this.owner.id, this.bot.id, ...Object.values(this.namedUsers).map((u) => u.id)];
  }

  rolesOf(userId: string): string[] {
    if (userId === this.bot.id) return [this.botRoleId];
    if (userId === this.owner.id) return [];
    return [this.memberRoleId];
  }

  /** Guild-level permissions; the owner has all of them, like in Discord. */
  permissionsOf(userId: string): bigint {
    if (userId === this.owner.id) return (1n << 50n) - 1n;
    if (userId === this.bot.id) return this.settings.botPermissions;
    if (userId === FIXED_IDS.moderator) return MODERATOR_PERMISSIONS;
    return ORDINARY_MEMBER_PERMISSIONS;
  }

  /** What a server admin does to the bot's role; the caller tells the gateway. */
  setBotPermissions(permissions: bigint): void {
    this.settings.botPermissions = permissions;
  }

  botPermissionsIn(channelOrThreadId: string): bigint {
    return this.guildIdOf(channelOrThreadId) === null ? DM_APP_PERMISSIONS : this.settings.botPermissions;
  }

  botCan(channelOrThreadId: string, needed: bigint): boolean {
    return hasPermission(this.botPermissionsIn(channelOrThreadId), needed);
  }

  addMessage(message: MessageRecord): void {
    this.messages.push(message);
    this.messageById.set(message.id, message);
    const channel = this.channels.get(message.channelId);
    if (channel) channel.lastMessageId = message.id;
    const thread = this.threadById.get(message.channelId);
    if (thread) thread.messageCount += 1;
  }

  addThread(thread: ThreadRecord): void {
    this.threads.push(thread);
    this.threadById.set(thread.id, thread);
  }

  addInteraction(state: InteractionState): void {
    this.interactions.set(state.id, state);
    this.interactionByToken.set(state.token, state);
  }

  commandsFor(guildId?: string): RegisteredCommand[] {
    if (guildId === undefined) return this.globalCommands;
    let list = this.guildCommands.get(guildId);
    if (!list) {
      list = [];
      this.guildCommands.set(guildId, list);
    }
    return list;
  }

  storeFile(channelId: string, filename: string, contentType: string, data: Buffer): StoredFile {
    const file: StoredFile = { id: this.nextId(), channelId, filename, contentType, data };
    this.files.set(file.id, file);
    return file;
  }

  cdnUrl(file: StoredFile): string {
    // Discord signs CDN links (ex/is/hm); bots must keep the query when downloading. `ex` is when
    // the link stops working, in hex seconds; the CDN then answers 404.
    const issued = Math.floor(Date.now() / 1000);
    const expires = issued + this.linkLifetimeSeconds;
    const query = `ex=${expires.toString(16)}&is=${issued.toString(16)}&hm=${file.id.slice(-8)}&`;
    return `${this.baseUrl}/attachments/${file.channelId}/${file.id}/${encodeURIComponent(file.filename)}?${query}`;
  }

  /**
   * A message's attachments with links signed now: Discord refreshes the links of every message it
   * hands out, so a message fetched again always has working ones.
   */
  freshLinks(attachments: readonly AttachmentRecord[]): AttachmentRecord[] {
    return attachments.map((a) => {
      const file = this.files.get(a.id);
      if (!file) return a;
      const url = this.cdnUrl(file);
      return { ...a, url, proxy_url: url };
    });
  }
}

function makeUser(id: string, username: string): FakeUser {
  return { id, username, globalName: username[0]?.toUpperCase() + username.slice(1), bot: false };
}
