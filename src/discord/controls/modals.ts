import {
  LabelBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ModalSubmitInteraction,
} from 'discord.js';
import { text } from '../../text/catalogue.js';
import { shorten } from '../../text/length.js';
import { PROMPT_MAX } from '../prompt.js';

/** The one text field of every modal the bot shows. */
const FIELD = 'prompt';

function modal(customId: string, title: string, label: string, field: TextInputBuilder): ModalBuilder {
  return new ModalBuilder()
    .setCustomId(customId)
    .setTitle(title)
    .addLabelComponents(new LabelBuilder().setLabel(label).setTextInputComponent(field));
}

const field = () =>
  new TextInputBuilder()
    .setCustomId(FIELD)
    .setStyle(TextInputStyle.Paragraph)
    .setRequired(true)
    .setMinLength(1)
    .setMaxLength(PROMPT_MAX);

/** "What should change?": Edit under a picture, and Edit with Gemini on any message. */
export function editModal(customId: string, title = text('controls.editTitle')): ModalBuilder {
  return modal(
    customId,
    title,
    text('controls.editLabel'),
    field().setPlaceholder(text('controls.editPlaceholder')),
  );
}

/** Remix: the original prompt, ready to be changed. */
export function remixModal(customId: string, prompt: string): ModalBuilder {
  return modal(
    customId,
    text('controls.remixTitle'),
    text('controls.remixLabel'),
    field().setValue(shorten(prompt, PROMPT_MAX)),
  );
}

/** What the member typed into the modal's field. */
export const modalText = (interaction: ModalSubmitInteraction): string =>
  interaction.fields.getTextInputValue(FIELD);
