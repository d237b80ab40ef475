import { ApplicationCommandOptionType } from 'discord.js';
import { attachmentSource } from '../src/discord/attachments.js';
import { UserError } from '../src/errors.js';
import { inputMessages } from '../src/images/messages.js';
import type { Command } from '../src/discord/command.js';
import { cleanPrompt, PROMPT_MAX } from '../src/discord/prompt.js';
import { submitInteractionJob } from '../src/discord/submit.js';
import { text } from '../src/text/catalogue.js';

const IMAGE_OPTIONS = ['image', 'image2', 'image3'] as const;

export default {
  data: {
    name: 'edit',
    description: text('commands.edit.description'),
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'prompt',
        description: text('commands.edit.prompt'),
        required: true,
        min_length: 1,
        max_length: PROMPT_MAX,
      },
      {
        type: ApplicationCommandOptionType.Attachment,
        name: 'image',
        description: text('commands.edit.image', { number: 1 }),
        required: true,
      },
      {
        type: ApplicationCommandOptionType.Attachment,
        name: 'image2',
        description: text('commands.edit.image', { number: 2 }),
        required: false,
      },
      {
        type: ApplicationCommandOptionType.Attachment,
        name: 'image3',
        description: text('commands.edit.image', { number: 3 }),
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
