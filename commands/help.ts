import { MessageFlags } from 'discord.js';
import type { Command } from '../src/discord/command.js';
import { NO_PINGS } from '../src/discord/no-pings.js';
import { text } from '../src/text/catalogue.js';

export default {
  data: { name: 'help', description: text('commands.help.description') },
  async execute(interaction) {
    await interaction.reply({
      content: text('help.text'),
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_PINGS,
    });
  },
} satisfies Command;
