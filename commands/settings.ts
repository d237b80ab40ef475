import {
  ApplicationCommandOptionType as T,
  ChannelType,
  MessageFlags,
  PermissionFlagsBits,
  type APIApplicationCommandBasicOption,
  type ChatInputCommandInteraction,
} from 'discord.js';
import {
  checkBlockedWord,
  checkBudget,
  checkDefaults,
  checkPictureLimit,
  MAX_ALLOWED_CHANNELS,
  MAX_BLOCKED_WORDS,
  restrictionTargets,
  type GuildSettings,
} from '../src/core/guild-settings.js';
import type { OfferedModel } from '../src/core/model-roster.js';
import {
  COMMON_ASPECT_RATIOS,
  IMAGE_SIZES,
  offeredRatios,
  offeredSizes,
  type ImageSize,
} from '../src/core/models.js';
import type { Command } from '../src/discord/command.js';
import { NO_PINGS } from '../src/discord/no-pings.js';
import { describeSettings } from '../src/discord/settings-view.js';
import { UserError } from '../src/errors.js';
import type { AppContext } from '../src/context.js';
import { text } from '../src/text/catalogue.js';

/** The settings `/settings reset` can put back, by the name a member picks. */
const RESETTABLE = {
  defaults: ['defaultModel', 'defaultSize', 'defaultAspectRatio'],
  restrictions: ['restrictions'],
  'daily-limit': ['dailyPictureLimit'],
  budget: ['dailyBudgetUsd'],
  channels: ['channels', 'otherChannels'],
  'moderation-log': ['moderationLogChannel'],
  'blocked-words': ['blockedWords'],
} as const satisfies Record<string, readonly (keyof GuildSettings)[]>;

const TEXT_CHANNELS: (ChannelType.GuildText | ChannelType.GuildAnnouncement)[] = [
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
];
const choices = (values: readonly string[]) => values.slice(0, 25).map((v) => ({ name: v, value: v }));
const splitWords = (raw: string) =>
  raw
    .split(',')
    .map((w) => w.trim().replace(/\s+/g, ' '))
    .filter((w) => w.length > 0);

/** A description key that takes no parameters. */
type DescriptionKey = Parameters<typeof text>[0];
const d = (key: DescriptionKey) => text(key as 'commands.settings.show');

const sub = (name: string, description: DescriptionKey, options: APIApplicationCommandBasicOption[]) => ({
  type: T.Subcommand as const,
  name,
  description: d(description),
  options,
});

/** A required string option with fixed choices, given as [label, value]. */
const pick = (
  name: string,
  description: DescriptionKey,
  values: readonly (readonly [string, string])[],
): APIApplicationCommandBasicOption => ({
  type: T.String,
  name,
  description: d(description),
  required: true,
  choices: values.map(([label, value]) => ({ name: label, value })),
});

const channelOption: APIApplicationCommandBasicOption = {
  type: T.Channel,
  name: 'channel',
  description: d('commands.settings.channelOption'),
  required: true,
  channel_types: TEXT_CHANNELS,
};

const wordsOption: APIApplicationCommandBasicOption = {
  type: T.String,
  name: 'words',
  description: d('commands.settings.words'),
  required: true,
  max_length: 1000,
};

/** /settings: one server's controls, for members with Manage Server (re-assignable in Discord). */
export function settingsCommand(offered: readonly OfferedModel[]): Command {
  const models = offered.map((o) => o.model);
  const sizes = offeredSizes(models);
  const ratios = offeredRatios(models);
  const targets = restrictionTargets({ offered, userDailyLimit: 0, dailyBudgetUsd: 0 });
  return {
    data: {
      name: 'settings',
      description: text('commands.settings.description'),
      // Manage Server by default; server admins can give it to other roles in Integrations.
      // Discord's OpenAPI description takes the bit set as an integer in a request body (it answers
      // a string); discord.js types it as the string it reads back.
      default_member_permissions: Number(PermissionFlagsBits.ManageGuild) as unknown as string,
      contexts: [0],
      options: [
        { type: T.Subcommand, name: 'show', description: d('commands.settings.show') },
        {
          type: T.Subcommand,
          name: 'defaults',
          description: d('commands.settings.defaults'),
          options: [
            ...(offered.length > 1
              ? [
                  {
                    type: T.String as const,
                    name: 'model',
                    description: d('commands.options.model'),
                    choices: choices(offered.map((o) => o.name)),
                  },
                ]
              : []),
            ...(sizes.length > 1
              ? [
                  {
                    type: T.String as const,
                    name: 'size',
                    description: d('commands.options.size'),
                    choices: choices(sizes),
                  },
                ]
              : []),
            {
              type: T.String,
              name: 'aspect_ratio',
              description: d('commands.imagine.aspectRatio'),
              choices: choices(ratios.length > 0 ? ratios : COMMON_ASPECT_RATIOS),
            },
          ],
        },
        {
          type: T.Subcommand,
          name: 'restrict',
          description: d('commands.settings.restrict'),
          options: [
            {
              type: T.String,
              name: 'what',
              description: d('commands.settings.what'),
              required: true,
              choices: choices(targets),
            },
            { type: T.Role, name: 'role', description: d('commands.settings.role') },
          ],
        },
        {
          type: T.Subcommand,
          name: 'daily-limit',
          description: d('commands.settings.dailyLimit'),
          options: [
            {
              type: T.Integer,
              name: 'pictures',
              description: d('commands.settings.pictures'),
              required: true,
            },
          ],
        },
        {
          type: T.Subcommand,
          name: 'budget',
          description: d('commands.settings.budget'),
          options: [{ type: T.Number, name: 'usd', description: d('commands.settings.usd'), required: true }],
        },
        sub('channel', 'commands.settings.channel', [
          channelOption,
          pick('action', 'commands.settings.action', [
            [text('commands.settings.allow'), 'allow'],
            [text('commands.settings.disallow'), 'disallow'],
          ]),
        ]),
        sub('other-channels', 'commands.settings.otherChannels', [
          pick('mode', 'commands.settings.mode', [
            [text('settings.modeRefuse'), 'refuse'],
            [text('settings.modeHide'), 'hide'],
          ]),
        ]),
        sub('moderation-log', 'commands.settings.moderationLog', [channelOption]),
        sub('block', 'commands.settings.block', [wordsOption]),
        sub('unblock', 'commands.settings.unblock', [wordsOption]),
        {
          type: T.Subcommand,
          name: 'reset',
          description: d('commands.settings.reset'),
          options: [
            {
              type: T.String,
              name: 'setting',
              description: d('commands.settings.setting'),
              required: true,
              choices: choices(Object.keys(RESETTABLE)),
            },
          ],
        },
      ],
    },
    async execute(interaction, ctx) {
      const guildId = interaction.guildId;
      if (!guildId) throw new UserError(text('settings.guildOnly'));
      const sub = interaction.options.getSubcommand();
      if (sub === 'show') {
        await reply(interaction, ctx, await ctx.settings.forGuild(guildId), false);
        return;
      }
      const next = await ctx.settings.update(guildId, (current) => change(sub, current, interaction, ctx));
      await reply(interaction, ctx, next, true);
    },
  };
}

async function reply(
  interaction: ChatInputCommandInteraction,
  ctx: AppContext,
  settings: GuildSettings,
  saved: boolean,
): Promise<void> {
  const view = describeSettings(settings, ctx.settings.bounds, ctx.config.blockedWords.length);
  await interaction.reply({
    content: saved ? `${text('settings.saved')}\n${view}` : view,
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_PINGS,
  });
}

/** The settings after one subcommand, or a UserError saying what is allowed. */
function change(
  sub: string,
  current: GuildSettings,
  interaction: ChatInputCommandInteraction,
  ctx: AppContext,
): GuildSettings {
  const bounds = ctx.settings.bounds;
  const o = interaction.options;
  const fail = (problem: string | undefined) => {
    if (problem) throw new UserError(problem);
  };
  switch (sub) {
    case 'defaults': {
      const model = o.getString('model') ?? undefined;
      const size = o.getString('size') ?? undefined;
      const ratio = o.getString('aspect_ratio') ?? undefined;
      if (model === undefined && size === undefined && ratio === undefined)
        fail(text('settings.nothingToChange'));
      if (size !== undefined && !(IMAGE_SIZES as readonly string[]).includes(size)) {
        fail(
          text('settings.invalid.size', {
            sizes: offeredSizes(bounds.offered.map((m) => m.model)).join(', '),
          }),
        );
      }
      const next = {
        ...current,
        defaultModel: model ?? current.defaultModel,
        defaultSize: (size as ImageSize | undefined) ?? current.defaultSize,
        defaultAspectRatio: ratio ?? current.defaultAspectRatio,
      };
      fail(checkDefaults(next, bounds));
      return next;
    }
    case 'restrict': {
      const what = o.getString('what', true);
      const targets = restrictionTargets(bounds);
      if (!targets.includes(what)) fail(text('settings.invalid.target', { targets: targets.join(', ') }));
      const role = o.getRole('role');
      const restrictions = { ...current.restrictions };
      if (role) restrictions[what] = role.id;
      else {
        if (!(what in restrictions)) fail(text('settings.notRestricted', { what }));
        delete restrictions[what];
      }
      return { ...current, restrictions };
    }
    case 'daily-limit': {
      const pictures = o.getInteger('pictures', true);
      fail(checkPictureLimit(pictures, bounds));
      return { ...current, dailyPictureLimit: pictures };
    }
    case 'budget': {
      const usd = o.getNumber('usd', true);
      fail(checkBudget(usd, bounds));
      return { ...current, dailyBudgetUsd: usd };
    }
    case 'channel': {
      const channel = o.getChannel('channel', true);
      if (!TEXT_CHANNELS.includes(channel.type as (typeof TEXT_CHANNELS)[number]))
        fail(text('settings.notTextChannel'));
      const others = current.channels.filter((c) => c !== channel.id);
      if (o.getString('action', true) === 'disallow') return { ...current, channels: others };
      if (others.length >= MAX_ALLOWED_CHANNELS)
        fail(text('settings.invalid.tooManyChannels', { max: MAX_ALLOWED_CHANNELS }));
      return { ...current, channels: [...others, channel.id] };
    }
    case 'other-channels':
      return { ...current, otherChannels: o.getString('mode', true) === 'hide' ? 'hide' : 'refuse' };
    case 'moderation-log': {
      const channel = o.getChannel('channel', true);
      if (!TEXT_CHANNELS.includes(channel.type as (typeof TEXT_CHANNELS)[number]))
        fail(text('settings.notTextChannel'));
      return { ...current, moderationLogChannel: channel.id };
    }
    case 'block': {
      const words = splitWords(o.getString('words', true));
      if (words.length === 0) fail(checkBlockedWord(''));
      for (const w of words) fail(checkBlockedWord(w));
      const list = [...new Set([...current.blockedWords, ...words.map((w) => w.toLowerCase())])];
      if (list.length > MAX_BLOCKED_WORDS)
        fail(text('settings.invalid.tooManyWords', { max: MAX_BLOCKED_WORDS }));
      return { ...current, blockedWords: list };
    }
    case 'unblock': {
      const words = new Set(splitWords(o.getString('words', true)).map((w) => w.toLowerCase()));
      const list = current.blockedWords.filter((w) => !words.has(w));
      if (list.length === current.blockedWords.length) fail(text('settings.notBlocked'));
      return { ...current, blockedWords: list };
    }
    case 'reset': {
      const setting = o.getString('setting', true) as keyof typeof RESETTABLE;
      const fields = RESETTABLE[setting] ?? [];
      const next: Record<string, unknown> = { ...current };
      for (const f of fields)
        next[f] =
          f === 'restrictions'
            ? {}
            : f === 'channels' || f === 'blockedWords'
              ? []
              : f === 'otherChannels'
                ? 'refuse'
                : undefined;
      return next as unknown as GuildSettings;
    }
    default:
      throw new UserError(text('access.unknownCommand'));
  }
}
