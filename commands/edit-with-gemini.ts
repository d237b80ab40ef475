import { ApplicationCommandType, InteractionContextType } from 'discord.js';
import { messageImages } from '../src/discord/attachments.js';
import type { MessageCommand } from '../src/discord/command.js';
import { encodeControlId } from '../src/discord/controls/custom-id.js';
import { editModal } from '../src/discord/controls/modals.js';
import { UserError } from '../src/errors.js';
import { namedAs } from '../src/discord/command-text.js';
import { phrase } from '../src/text/catalogue.js';

/**
 * Right-click any message with images -> Apps -> Edit with Gemini: asks what should change, then
 * edits the message's images (see the controls' message-edit modal, which makes the job).
 */
export default {
  data: {
    type: ApplicationCommandType.Message,
    ...namedAs('commands.editWithGemini'),
    contexts: [InteractionContextType.Guild],
  },
  async execute(interaction, _ctx, voice) {
    if (messageImages(interaction.targetMessage).length === 0) {
      throw new UserError(phrase('controls.noImages'));
    }
    const customId = encodeControlId({ kind: 'message-edit', messageId: interaction.targetId });
    await interaction.showModal(editModal(voice, customId, voice.t('controls.messageEditTitle')));
  },
} satisfies MessageCommand;
