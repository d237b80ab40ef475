import { ApplicationCommandOptionType } from 'discord.js';
import type { Command } from '../src/discord/command.js';
import { cleanPrompt, PROMPT_MAX } from '../src/discord/prompt.js';
import { submitInteractionJob } from '../src/discord/submit.js';
import { text } from '../src/text/catalogue.js';

export const ASPECT_RATIOS = [
  '1:1',
  '2:3',
  '3:2',
  '3:4',
  '4:3',
  '4:5',
  '5:4',
  '9:16',
  '16:9',
  '21:9',
] as const;

export default {
  data: {
    name: 'imagine',
    description: text('commands.imagine.description'),
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'prompt',
        description: text('commands.imagine.prompt'),
        required: true,
        min_length: 1,
        max_length: PROMPT_MAX,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: 'aspect_ratio',
        description: text('commands.imagine.aspectRatio'),
        required: false,
        choices: ASPECT_RATIOS.map((r) => ({ name: r, value: r })),
      },
    ],
  },
  async execute(interaction, ctx) {
    const prompt = cleanPrompt(interaction.options.getString('prompt', true));
    const ratio = interaction.options.getString('aspect_ratio') ?? undefined;
    if (ratio && !(ASPECT_RATIOS as readonly string[]).includes(ratio)) {
      throw new Error(`unexpected aspect ratio ${ratio}`);
    }
    await submitInteractionJob(ctx, interaction, { kind: 'imagine', prompt, aspectRatio: ratio, inputs: [] });
  },
} satisfies Command;
