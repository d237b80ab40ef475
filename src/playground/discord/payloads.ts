import { ChannelType } from './world.js';
import type { ChannelRecord, World } from './world.js';
import type { FakeUser, MessageRecord, ThreadRecord } from './types.js';

/** Builders of Discord API objects, shared by REST answers and gateway dispatches. */

type Json = Record<string, unknown>;

const iso = (ms: number) => new Date(ms).toISOString();

export function userPayload(user: FakeUser): Json {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.globalName,
    avatar: null,
    bot: user.bot || undefined,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
    primary_guild: null,
  };
}

export function memberPayload(world: World, userId: string, withUser = true): Json {
  const user = world.users.get(userId);
  const member: Json = {
    roles: world.rolesOf(userId),
    nick: null,
    avatar: null,
    banner: null,
    joined_at: iso(world.createdAt),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
  if (withUser && user) member.user = userPayload(user);
  return member;
}

export function rolePayloads(world: World): Json[] {
  const role = (id: string, name: string, permissions: bigint, position: number): Json => ({
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissions.toString(),
    managed: id === world.botRoleId,
    mentionable: false,
    flags: 0,
    ...(id === world.botRoleId ? { tags: { bot_id: world.bot.id } } : {}),
  });
  // @everyone grants nothing, so the bot's role alone decides what the bot may do.
  return [
    role(world.everyoneRoleId, '@everyone', 0n, 0),
    role(world.memberRoleId, 'Members', world.permissionsOf(world.namedUsers.alice.id), 1),
    role(world.botRoleId, world.bot.username, world.settings.botPermissions, 2),
  ];
}

export function channelPayload(world: World, channel: ChannelRecord): Json {
  if (channel.type === ChannelType.DM) {
    const recipient = channel.recipientId ? world.users.get(channel.recipientId) : undefined;
    return {
      id: channel.id,
      type: ChannelType.DM,
      last_message_id: channel.lastMessageId,
      flags: 0,
      recipients: recipient ? [userPayload(recipient)] : [],
    };
  }
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    position: channel.position,
    parent_id: null,
    topic: null,
    nsfw: false,
    last_message_id: channel.lastMessageId,
    rate_limit_per_user: 0,
    default_auto_archive_duration: 1440,
    default_thread_rate_limit_per_user: 0,
    permission_overwrites: [],
    flags: 0,
  };
}

export function threadPayload(thread: ThreadRecord, botIsMember: boolean, botId: string): Json {
  const payload: Json = {
    id: thread.id,
    type: thread.type,
    guild_id: thread.guildId,
    parent_id: thread.parentId,
    owner_id: thread.ownerId,
    name: thread.name,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
    message_count: thread.messageCount,
    total_message_sent: thread.messageCount,
    member_count: thread.memberIds.length,
    thread_metadata: {
      archived: thread.archived,
      auto_archive_duration: thread.autoArchiveDuration,
      archive_timestamp: iso(thread.createdAt),
      locked: thread.locked,
      create_timestamp: iso(thread.createdAt),
    },
  };
  if (botIsMember) {
    payload.member = { id: thread.id, user_id: botId, join_timestamp: iso(thread.createdAt), flags: 0 };
  }
  return payload;
}

/** The guild object; `full` adds what GUILD_CREATE carries (channels, threads, members, ...). */
export function guildPayload(world: World, full: boolean): Json {
  const guild: Json = {
    id: world.guildId,
    name: world.settings.guildName,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: world.owner.id,
    region: 'deprecated',
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 0,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    roles: rolePayloads(world),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: world.channelId,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    max_members: 500000,
    max_presences: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: world.settings.preferredLocale,
    nsfw_level: 0,
    nsfw: false,
    incidents_data: null,
  };
  if (!full)
    return {
      ...guild,
      approximate_member_count: world.guildMemberIds().length,
      approximate_presence_count: 0,
    };
  const guildChannels = [...world.channels.values()].filter((c) => c.guildId === world.guildId);
  return {
    ...guild,
    joined_at: iso(world.createdAt),
    large: false,
    unavailable: false,
    member_count: world.guildMemberIds().length,
    lazy: true,
    voice_states: [],
    members: world.guildMemberIds().map((id) => memberPayload(world, id)),
    channels: guildChannels.map((c) => channelPayload(world, c)),
    threads: world.threads
      .filter((t) => !t.archived)
      .map((t) => threadPayload(t, t.memberIds.includes(world.bot.id), world.bot.id)),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** False hides content, attachments, embeds and components, as Discord does without MessageContent. */
export type ContentVisibility = (message: MessageRecord) => boolean;

export function messagePayload(
  world: World,
  message: MessageRecord,
  canSeeContent: ContentVisibility = () => true,
): Json {
  const visible = canSeeContent(message);
  const payload: Json = {
    id: message.id,
    type: message.type,
    channel_id: message.channelId,
    author: userPayload(message.author),
    content: visible ? message.content : '',
    timestamp: iso(message.createdAt),
    edited_timestamp: message.editedAt === null ? null : iso(message.editedAt),
    tts: false,
    mention_everyone: message.mentionEveryone,
    mentions: message.mentions.flatMap((id) => {
      const user = world.users.get(id);
      return user ? [userPayload(user)] : [];
    }),
    mention_roles: [],
    attachments: visible ? world.freshLinks(message.attachments) : [],
    embeds: visible ? message.embeds : [],
    components: visible ? message.components : [],
    pinned: false,
    flags: message.flags,
    reactions: undefined,
  };
  if (message.guildId !== null) {
    payload.guild_id = message.guildId;
    payload.member = memberPayload(world, message.author.id, false);
  }
  if (message.interactionId !== null) {
    const interaction = world.interactions.get(message.interactionId);
    payload.webhook_id = world.applicationId;
    payload.application_id = world.applicationId;
    if (interaction) {
      const user = world.users.get(interaction.userId);
      const userJson = user ? userPayload(user) : undefined;
      payload.interaction_metadata = {
        id: interaction.id,
        type: interaction.type,
        user: userJson,
        authorizing_integration_owners: { '0': interaction.guildId ?? undefined, '1': interaction.userId },
        ...(interaction.commandName ? { name: interaction.commandName, command_type: 1 } : {}),
        // Discord shows a component's answer as a reply to the message the component was on.
        ...(interaction.type === 3 && interaction.sourceMessageId
          ? { interacted_message_id: interaction.sourceMessageId }
          : {}),
        ...(interaction.type === 5 && interaction.sourceMessageId
          ? {
              triggering_interaction_metadata: {
                id: interaction.id,
                type: 3,
                user: userJson,
                authorizing_integration_owners: {
                  '0': interaction.guildId ?? undefined,
                  '1': interaction.userId,
                },
                interacted_message_id: interaction.sourceMessageId,
              },
            }
          : {}),
      };
      payload.interaction = {
        id: interaction.id,
        type: interaction.type,
        name: interaction.commandName ?? '',
        user: userJson,
      };
    }
  }
  if (message.messageReference) {
    payload.message_reference = {
      type: 0,
      message_id: message.messageReference.messageId,
      channel_id: message.messageReference.channelId,
      guild_id: message.messageReference.guildId ?? undefined,
    };
    const referenced = world.messageById.get(message.messageReference.messageId);
    payload.referenced_message =
      referenced && !referenced.deleted ? messagePayload(world, referenced, canSeeContent) : null;
  }
  if (message.threadId !== null) {
    const thread = world.threadById.get(message.threadId);
    if (thread) payload.thread = threadPayload(thread, thread.memberIds.includes(world.bot.id), world.bot.id);
  }
  if (message.reactions.length > 0) {
    payload.reactions = [...new Set(message.reactions)].map((emoji) => ({
      count: message.reactions.filter((r) => r === emoji).length,
      me: true,
      emoji: { id: null, name: emoji },
      burst_colors: [],
      count_details: { burst: 0, normal: 1 },
      me_burst: false,
    }));
  }
  return payload;
}
