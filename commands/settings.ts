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
import { languageFor } from '../src/discord/voices.js';
import type { Voice } from '../src/text/catalogue.js';
import { choiceOf, describedAs } from '../src/discord/command-text.js';
import {
  FALLBACK_LOCALE,
  phrase,
  spokenLanguages,
  type Phrase,
  type TextKey,
} from '../src/text/catalogue.js';

/** The settings `/settings reset` can put back, by the name a member picks. */
const RESETTABLE = {
  defaults: ['defaultModel', 'defaultSize', 'defaultAspectRatio'],
  restrictions: ['restrictions'],
  'daily-limit': ['dailyPictureLimit'],
  budget: ['dailyBudgetUsd'],
  channels: ['channels', 'otherChannels'],
  'moderation-log': ['moderationLogChannel'],
  'blocked-words': ['blockedWords'],
  language: ['language'],
} as const satisfies Record<string, readonly (keyof GuildSettings)[]>;

/** How each resettable setting is named in the choice list. */
const RESET_CHOICE = {
  defaults: 'commands.settings.resetChoice.defaults',
  restrictions: 'commands.settings.resetChoice.restrictions',
  'daily-limit': 'commands.settings.resetChoice.dailyLimit',
  budget: 'commands.settings.resetChoice.budget',
  channels: 'commands.settings.resetChoice.channels',
  'moderation-log': 'commands.settings.resetChoice.moderationLog',
  'blocked-words': 'commands.settings.resetChoice.blockedWords',
  language: 'commands.settings.resetChoice.language',
} as const satisfies Record<keyof typeof RESETTABLE, TextKey>;

const TEXT_CHANNELS: (ChannelType.GuildText | ChannelType.GuildAnnouncement)[] = [
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
];
const choices = (values: readonly string[]) => values.slice(0, 25).map((v) => ({ name: v, value: v }));
// Commas as Chinese and Japanese keyboards type them count too.
const splitWords = (raw: string) =>
  raw
    .split(/[,，、]/)
    .map((w) => w.trim().replace(/\s+/g, ' '))
    .filter((w) => w.length > 0);

/** A description key that takes no parameters. */
type DescriptionKey = TextKey;
const d = (key: DescriptionKey) => describedAs(key as 'commands.settings.show');

const sub = (name: string, description: DescriptionKey, options: APIApplicationCommandBasicOption[]) => ({
  type: T.Subcommand as const,
  name,
  ...d(description),
  options,
});

/** A required string option with fixed choices, given as [label, value]. */
const pick = (
  name: string,
  description: DescriptionKey,
  values: readonly (readonly [DescriptionKey, string])[],
): APIApplicationCommandBasicOption => ({
  type: T.String,
  name,
  ...d(description),
  required: true,
  choices: values.map(([label, value]) => choiceOf(value, label as 'commands.settings.allow')),
});

/** A language as its own speakers name it ("日本語", "español (Latinoamérica)"). */
function autonym(language: string): string {
  // The catalogue's English is plain "English", not "American English".
  const intl = language === FALLBACK_LOCALE ? 'en' : language;
  return new Intl.DisplayNames(intl, { type: 'language' }).of(intl) ?? language;
}

const channelOption: APIApplicationCommandBasicOption = {
  type: T.Channel,
  name: 'channel',
  ...d('commands.settings.channelOption'),
  required: true,
  channel_types: TEXT_CHANNELS,
};

const wordsOption: APIApplicationCommandBasicOption = {
  type: T.String,
  name: 'words',
  ...d('commands.settings.words'),
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
      ...describedAs('commands.settings.description'),
      // Manage Server by default; server admins can give it to other roles in Integrations.
      // Discord's OpenAPI description takes the bit set as an integer in a request body (it answers
      // a string); discord.js types it as the string it reads back.
      default_member_permissions: Number(PermissionFlagsBits.ManageGuild) as unknown as string,
      contexts: [0],
      options: [
        { type: T.Subcommand, name: 'show', ...d('commands.settings.show') },
        {
          type: T.Subcommand,
          name: 'defaults',
          ...d('commands.settings.defaults'),
          options: [
            ...(offered.length > 1
              ? [
                  {
                    type: T.String as const,
                    name: 'model',
                    ...d('commands.options.model'),
                    choices: choices(offered.map((o) => o.name)),
                  },
                ]
              : []),
            ...(sizes.length > 1
              ? [
                  {
                    type: T.String as const,
                    name: 'size',
                    ...d('commands.options.size'),
                    choices: choices(sizes),
                  },
                ]
              : []),
            {
              type: T.String,
              name: 'aspect_ratio',
              ...d('commands.imagine.aspectRatio'),
              choices: choices(ratios.length > 0 ? ratios : COMMON_ASPECT_RATIOS),
            },
          ],
        },
        {
          type: T.Subcommand,
          name: 'restrict',
          ...d('commands.settings.restrict'),
          options: [
            {
              type: T.String,
              name: 'what',
              ...d('commands.settings.what'),
              required: true,
              choices: choices(targets),
            },
            { type: T.Role, name: 'role', ...d('commands.settings.role') },
          ],
        },
        {
          type: T.Subcommand,
          name: 'daily-limit',
          ...d('commands.settings.dailyLimit'),
          options: [
            {
              type: T.Integer,
              name: 'pictures',
              ...d('commands.settings.pictures'),
              required: true,
            },
          ],
        },
        {
          type: T.Subcommand,
          name: 'budget',
          ...d('commands.settings.budget'),
          options: [{ type: T.Number, name: 'usd', ...d('commands.settings.usd'), required: true }],
        },
        sub('channel', 'commands.settings.channel', [
          channelOption,
          pick('action', 'commands.settings.action', [
            ['commands.settings.allow', 'allow'],
            ['commands.settings.disallow', 'disallow'],
          ]),
        ]),
        sub('other-channels', 'commands.settings.otherChannels', [
          pick('mode', 'commands.settings.mode', [
            ['settings.modeRefuse', 'refuse'],
            ['settings.modeHide', 'hide'],
          ]),
        ]),
        sub('moderation-log', 'commands.settings.moderationLog', [channelOption]),
        sub('block', 'commands.settings.block', [wordsOption]),
        sub('unblock', 'commands.settings.unblock', [wordsOption]),
        sub('language', 'commands.settings.language', [
          {
            type: T.String,
            name: 'language',
            ...d('commands.settings.languageOption'),
            required: true,
            choices: [
              choiceOf('members', 'commands.settings.languageMembers'),
              ...spokenLanguages().map((l) => ({ name: autonym(l), value: l })),
            ],
          },
        ]),
        {
          type: T.Subcommand,
          name: 'reset',
          ...d('commands.settings.reset'),
          options: [
            {
              type: T.String,
              name: 'setting',
              ...d('commands.settings.setting'),
              required: true,
              choices: (Object.keys(RESETTABLE) as (keyof typeof RESETTABLE)[]).map((setting) =>
                choiceOf(setting, RESET_CHOICE[setting]),
              ),
            },
          ],
        },
      ],
    },
    async execute(interaction, ctx, voice) {
      const guildId = interaction.guildId;
      if (!guildId) throw new UserError(phrase('settings.guildOnly'));
      const sub = interaction.options.getSubcommand();
      if (sub === 'show') {
        await reply(interaction, ctx, voice, await ctx.settings.forGuild(guildId), false);
        return;
      }
      const next = await ctx.settings.update(guildId, (current) => change(sub, current, interaction, ctx));
      // A new language speaks from this answer on.
      const answer = sub === 'language' ? languageFor(next, interaction.locale) : voice;
      await reply(interaction, ctx, answer, next, true);
    },
  };
}

async function reply(
  interaction: ChatInputCommandInteraction,
  ctx: AppContext,
  voice: Voice,
  settings: GuildSettings,
  saved: boolean,
): Promise<void> {
  const view = describeSettings(voice, settings, ctx.settings.bounds, ctx.config.blockedWords.length);
  await interaction.reply({
    content: saved ? `${voice.t('settings.saved')}\n${view}` : view,
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
  const fail = (problem: Phrase | undefined) => {
    if (problem) throw new UserError(problem);
  };
  switch (sub) {
    case 'defaults': {
      const model = o.getString('model') ?? undefined;
      const size = o.getString('size') ?? undefined;
      const ratio = o.getString('aspect_ratio') ?? undefined;
      if (model === undefined && size === undefined && ratio === undefined)
        fail(phrase('settings.nothingToChange'));
      if (size !== undefined && !(IMAGE_SIZES as readonly string[]).includes(size)) {
        fail(
          phrase('settings.invalid.size', {
            sizes: { oneOf: offeredSizes(bounds.offered.map((m) => m.model)) },
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
      if (!targets.includes(what)) fail(phrase('settings.invalid.target', { targets: { oneOf: targets } }));
      const role = o.getRole('role');
      const restrictions = { ...current.restrictions };
      if (role) restrictions[what] = role.id;
      else {
        if (!(what in restrictions)) fail(phrase('settings.notRestricted', { what }));
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
        fail(phrase('settings.notTextChannel'));
      const others = current.channels.filter((c) => c !== channel.id);
      if (o.getString('action', true) === 'disallow') return { ...current, channels: others };
      if (others.length >= MAX_ALLOWED_CHANNELS)
        fail(phrase('settings.invalid.tooManyChannels', { max: MAX_ALLOWED_CHANNELS }));
      return { ...current, channels: [...others, channel.id] };
    }
    case 'other-channels':
      return { ...current, otherChannels: o.getString('mode', true) === 'hide' ? 'hide' : 'refuse' };
    case 'moderation-log': {
      const channel = o.getChannel('channel', true);
      if (!TEXT_CHANNELS.includes(channel.type as (typeof TEXT_CHANNELS)[number]))
        fail(phrase('settings.notTextChannel'));
      return { ...current, moderationLogChannel: channel.id };
    }
    case 'block': {
      const words = splitWords(o.getString('words', true));
      if (words.length === 0) fail(checkBlockedWord(''));
      for (const w of words) fail(checkBlockedWord(w));
      const list = [...new Set([...current.blockedWords, ...words.map((w) => w.toLowerCase())])];
      if (list.length > MAX_BLOCKED_WORDS)
        fail(phrase('settings.invalid.tooManyWords', { max: MAX_BLOCKED_WORDS }));
      return { ...current, blockedWords: list };
    }
    case 'unblock': {
      const words = new Set(splitWords(o.getString('words', true)).map((w) => w.toLowerCase()));
      const list = current.blockedWords.filter((w) => !words.has(w));
      if (list.length === current.blockedWords.length) fail(phrase('settings.notBlocked'));
      return { ...current, blockedWords: list };
    }
    case 'language': {
      const language = o.getString('language', true);
      if (language === 'members') return { ...current, language: undefined };
      if (!spokenLanguages().includes(language)) fail(phrase('settings.invalid.language'));
      return { ...current, language };
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
      throw new UserError(phrase('access.unknownCommand'));
  }
}
