import { MessageFlags } from 'discord.js';
import type { Command } from '../src/discord/command.js';

const HELP = [
  '**Making pictures with Gemini**',
  '• `/imagine prompt:` describe the scene: subject, setting, style, lighting, camera. Full sentences work better than keyword lists. Pick an `aspect_ratio` for wide or tall pictures.',
  '• `/edit prompt: image:` change an image (“make the sky stormy”, “remove the person on the left”) or combine up to three (“put the dress from image 1 on the model in image 2”).',
  '• **Refine**: reply to one of my pictures with what to change (“make the lighting warmer”). I continue in a thread; every message there refines the latest picture, so you can keep going step by step.',
  '',
  '**Tips**: say what to keep as well as what to change (“keep her face and pose the same”); describe the mood and the materials; for text in the picture, put the exact words in quotes.',
  'When Gemini refuses, I tell you why; rephrasing usually helps.',
].join('\n');

export default {
  data: { name: 'help', description: 'How to make and refine pictures' },
  async execute(interaction) {
    await interaction.reply({ content: HELP, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  },
} satisfies Command;
