import type { ModalSubmitInteraction } from 'discord.js';
import type { AppContext } from '../../context.js';
import { maxReferenceImages } from '../../core/models.js';
import { UserError } from '../../errors.js';
import { phrase, type Voice } from '../../text/catalogue.js';
import { messageImages, messageImageSource } from '../attachments.js';
import { cleanPrompt } from '../prompt.js';
import { submitInteractionJob } from '../submit.js';
import { modalText } from './modals.js';

/**
 * The modal of "Edit with Gemini": the message is fetched again (the modal carries only its id),
 * and its images, as many as the default model takes, are the inputs of an edit by whoever asked.
 */
export async function submitMessageEdit(
  interaction: ModalSubmitInteraction,
  messageId: string,
  ctx: AppContext,
  voice: Voice,
): Promise<void> {
  const prompt = cleanPrompt(modalText(interaction));
  const channel =
    interaction.channel ??
    (interaction.channelId
      ? await interaction.client.channels.fetch(interaction.channelId).catch(() => null)
      : null);
  const message = channel?.isTextBased()
    ? await channel.messages.fetch(messageId).catch(() => undefined)
    : undefined;
  if (!message) throw new UserError(phrase('controls.messageGone'));
  const images = messageImages(message);
  if (images.length === 0) throw new UserError(phrase('controls.noImages'));
  const model = ctx.models.defaultModel;
  const inputs = images.slice(0, maxReferenceImages(model)).map((_, i) => messageImageSource(message, i));
  await submitInteractionJob(ctx, interaction, voice, { kind: 'edit', prompt, inputs, model });
}
