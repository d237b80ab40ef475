import { MessageFlags } from 'discord.js';
import type { Command } from '../src/discord/command.js';
import { NO_PINGS } from '../src/discord/no-pings.js';
import { describedAs } from '../src/discord/command-text.js';

export default {
  data: { name: 'help', ...describedAs('commands.help.description') },
  async execute(interaction, _ctx, voice) {
    await interaction.reply({
      content: voice.t('help.text'),
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_PINGS,
    });
  },
} satisfies Command;
