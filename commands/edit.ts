import { ApplicationCommandOptionType } from 'discord.js';
import { attachmentSource } from '../src/discord/attachments.js';
import { UserError } from '../src/errors.js';
import { inputMessages } from '../src/images/messages.js';
import type { Command } from '../src/discord/command.js';
import { cleanPrompt, PROMPT_MAX } from '../src/discord/prompt.js';
import { submitInteractionJob } from '../src/discord/submit.js';

const IMAGE_OPTIONS = ['image', 'image2', 'image3'] as const;

export default {
  data: {
    name: 'edit',
    description: 'Edit or combine up to three images with an instruction',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'prompt',
        description: 'What to change, e.g. “put the dress from image 1 on the model in image 2”',
        required: true,
        min_length: 1,
        max_length: PROMPT_MAX,
      },
      {
        type: ApplicationCommandOptionType.Attachment,
        name: 'image',
        description: 'Image 1',
        required: true,
      },
      {
        type: ApplicationCommandOptionType.Attachment,
        name: 'image2',
        description: 'Image 2',
        required: false,
      },
      {
        type: ApplicationCommandOptionType.Attachment,
        name: 'image3',
        description: 'Image 3',
        required: false,
      },
    ],
  },
  async execute(interaction, ctx) {
    const prompt = cleanPrompt(interaction.options.getString('prompt', true));
    const attachments = IMAGE_OPTIONS.flatMap((name) => interaction.options.getAttachment(name) ?? []);
    for (const a of attachments) {
      // Said now rather than after a wait in the queue; the bytes are checked again when they arrive.
      if (a.size > ctx.config.maxInputBytes) {
        throw new UserError(inputMessages.tooLarge(a.name, a.size, ctx.config.maxInputBytes));
      }
      if (a.contentType && !a.contentType.startsWith('image/')) {
        throw new UserError(inputMessages.declaredNotImage(a.name, a.contentType));
      }
    }
    await submitInteractionJob(ctx, interaction, {
      kind: 'edit',
      prompt,
      inputs: attachments.map(attachmentSource),
    });
  },
} satisfies Command;
