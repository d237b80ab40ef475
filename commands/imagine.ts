import { ApplicationCommandOptionType } from 'discord.js';
import type { OfferedModel } from '../src/core/model-roster.js';
import type { Command } from '../src/discord/command.js';
import { generationOptions, readGenerationChoices } from '../src/discord/generation-options.js';
import { cleanPrompt, PROMPT_MAX } from '../src/discord/prompt.js';
import { submitInteractionJob } from '../src/discord/submit.js';
import { describedAs } from '../src/discord/command-text.js';

/** /imagine, with the choices the offered models allow. */
export function imagineCommand(offered: readonly OfferedModel[]): Command {
  return {
    data: {
      name: 'imagine',
      ...describedAs('commands.imagine.description'),
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: 'prompt',
          ...describedAs('commands.imagine.prompt'),
          required: true,
          min_length: 1,
          max_length: PROMPT_MAX,
        },
        ...generationOptions(offered, { search: true }),
      ],
    },
    async execute(interaction, ctx, voice) {
      const prompt = cleanPrompt(interaction.options.getString('prompt', true));
      const choices = readGenerationChoices(interaction, ctx.models);
      await submitInteractionJob(ctx, interaction, voice, {
        kind: 'imagine',
        prompt,
        inputs: [],
        ...choices,
      });
    },
  };
}
