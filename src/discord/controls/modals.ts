import {
  LabelBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { Voice } from '../../text/catalogue.js';
import { shorten } from '../../text/length.js';
import { PROMPT_MAX } from '../prompt.js';

/** The one text field of every modal the bot shows. */
const FIELD = 'prompt';

/** Discord's limits for a modal's title and a label (characters); a translation never breaks them. */
const TITLE_MAX = 45;
const LABEL_MAX = 45;
const PLACEHOLDER_MAX = 100;

function modal(customId: string, title: string, label: string, field: TextInputBuilder): ModalBuilder {
  return new ModalBuilder()
    .setCustomId(customId)
    .setTitle(shorten(title, TITLE_MAX))
    .addLabelComponents(new LabelBuilder().setLabel(shorten(label, LABEL_MAX)).setTextInputComponent(field));
}

const field = () =>
  new TextInputBuilder()
    .setCustomId(FIELD)
    .setStyle(TextInputStyle.Paragraph)
    .setRequired(true)
    .setMinLength(1)
    .setMaxLength(PROMPT_MAX);

/** "What should change?": Edit under a picture, and Edit with Gemini on any message. */
export function editModal(
  voice: Voice,
  customId: string,
  title = voice.t('controls.editTitle'),
): ModalBuilder {
  return modal(
    customId,
    title,
    voice.t('controls.editLabel'),
    field().setPlaceholder(shorten(voice.t('controls.editPlaceholder'), PLACEHOLDER_MAX)),
  );
}

/** Remix: the original prompt, ready to be changed. */
export function remixModal(voice: Voice, customId: string, prompt: string): ModalBuilder {
  return modal(
    customId,
    voice.t('controls.remixTitle'),
    voice.t('controls.remixLabel'),
    field().setValue(shorten(prompt, PROMPT_MAX)),
  );
}

/** What the member typed into the modal's field. */
export const modalText = (interaction: ModalSubmitInteraction): string =>
  interaction.fields.getTextInputValue(FIELD);
