import { ApplicationCommandOptionType, type APIApplicationCommandBasicOption } from 'discord.js';
import type { OfferedModel } from '../src/core/model-roster.js';
import { maxReferenceImages } from '../src/core/models.js';
import { attachmentSource } from '../src/discord/attachments.js';
import type { Command } from '../src/discord/command.js';
import { generationOptions, readGenerationChoices } from '../src/discord/generation-options.js';
import { cleanPrompt, PROMPT_MAX } from '../src/discord/prompt.js';
import { submitInteractionJob } from '../src/discord/submit.js';
import { UserError } from '../src/errors.js';
import { inputMessages } from '../src/images/messages.js';
import { describedAs } from '../src/discord/command-text.js';

/** A slash command takes at most 25 options; ten images leave room for the prompt and settings. */
const MAX_IMAGE_OPTIONS = 10;

const imageOptionName = (n: number) => (n === 1 ? 'image' : `image${n}`);

/** /edit, with as many image options as the most generous offered model takes (up to ten). */
export function editCommand(offered: readonly OfferedModel[]): Command {
  const imageCount = Math.min(
    MAX_IMAGE_OPTIONS,
    Math.max(...offered.map((o) => maxReferenceImages(o.model))),
  );
  const imageOptions: APIApplicationCommandBasicOption[] = Array.from({ length: imageCount }, (_, i) => ({
    type: ApplicationCommandOptionType.Attachment,
    name: imageOptionName(i + 1),
    ...describedAs('commands.edit.image', { number: i + 1 }),
    required: i === 0,
  }));
  return {
    data: {
      name: 'edit',
      ...describedAs('commands.edit.description', { count: imageCount }),
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: 'prompt',
          ...describedAs('commands.edit.prompt'),
          required: true,
          min_length: 1,
          max_length: PROMPT_MAX,
        },
        imageOptions[0]!,
        ...generationOptions(offered, { search: false }),
        ...imageOptions.slice(1),
      ],
    },
    async execute(interaction, ctx, voice) {
      const prompt = cleanPrompt(interaction.options.getString('prompt', true));
      const attachments = imageOptions.flatMap((o) => interaction.options.getAttachment(o.name) ?? []);
      for (const a of attachments) {
        // Said now rather than after a wait in the queue; the bytes are checked again when they arrive.
        if (a.size > ctx.config.maxInputBytes) {
          throw new UserError(inputMessages.tooLarge(a.name, a.size, ctx.config.maxInputBytes));
        }
        if (a.contentType && !a.contentType.startsWith('image/')) {
          throw new UserError(inputMessages.declaredNotImage(a.name, a.contentType));
        }
      }
      const choices = readGenerationChoices(interaction, ctx.models);
      await submitInteractionJob(ctx, interaction, voice, {
        kind: 'edit',
        prompt,
        inputs: attachments.map(attachmentSource),
        ...choices,
      });
    },
  };
}
