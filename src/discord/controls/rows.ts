import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIComponentInMessageActionRow,
  type APISelectMenuOption,
} from 'discord.js';
import type { UpscaleSize } from '../../core/model-controls.js';
import { phrase, type Phrase, type Voice } from '../../text/catalogue.js';
import {
  encodeControlId,
  MAX_PICTURES,
  pickValue,
  type ControlAction,
  type PictureAction,
} from './custom-id.js';

/** The controls a result's first message gets: the id its request is stored under, and what Upscale offers. */
export interface ResultControls {
  readonly id: string;
  /** Bigger sizes an offered model makes; none hides Upscale. */
  readonly upscaleSizes: readonly UpscaleSize[];
}

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

/** The rows the controls take, so that other rows (grounding links) leave room for them. */
export const CONTROL_ROWS = 2;
const MAX_SELECT_OPTIONS = 25;

const LABELS: Record<ControlAction, () => Phrase> = {
  reroll: () => phrase('controls.reroll'),
  'vary-subtle': () => phrase('controls.varySubtle'),
  'vary-strong': () => phrase('controls.varyStrong'),
  edit: () => phrase('controls.edit'),
  remix: () => phrase('controls.remix'),
  'upscale-2K': () => phrase('controls.upscale', { size: '2K' }),
  'upscale-4K': () => phrase('controls.upscale', { size: '4K' }),
  delete: () => phrase('controls.delete'),
};
const EMOJI: Record<ControlAction, string> = {
  reroll: '🔁',
  'vary-subtle': '🪄',
  'vary-strong': '🌀',
  edit: '✏️',
  remix: '📝',
  'upscale-2K': '⬆️',
  'upscale-4K': '⬆️',
  delete: '🗑️',
};

function button(
  voice: Voice,
  action: ControlAction,
  controlId: string,
  picture = 1,
): APIButtonComponentWithCustomId {
  return {
    type: ComponentType.Button,
    style: action === 'delete' ? ButtonStyle.Danger : ButtonStyle.Secondary,
    label: voice.say(LABELS[action]()),
    emoji: { name: EMOJI[action] },
    custom_id: encodeControlId({ kind: 'action', action, controlId, picture }),
  };
}

const row = (components: APIComponentInMessageActionRow[]): Row => ({
  type: ComponentType.ActionRow,
  components,
});

const pictureActions = (controls: ResultControls): PictureAction[] => [
  'vary-subtle',
  'vary-strong',
  'edit',
  ...controls.upscaleSizes.map((size) => `upscale-${size}` as const),
];

/**
 * The buttons under a result. One picture: its actions as buttons in two rows. Several: Reroll,
 * Remix and Delete as buttons, and one menu whose options say which picture each action is for.
 */
export function controlRows(voice: Voice, controls: ResultControls, pictures: number): Row[] {
  const { id } = controls;
  const perPicture = pictureActions(controls);
  if (pictures <= 1) {
    const [vary, strong, edit, ...upscale] = perPicture.map((a) => button(voice, a, id));
    return [
      row([button(voice, 'reroll', id), vary!, strong!, edit!, button(voice, 'remix', id)]),
      row([...upscale, button(voice, 'delete', id)]),
    ];
  }
  const shown = Math.min(pictures, MAX_PICTURES, Math.floor(MAX_SELECT_OPTIONS / perPicture.length));
  const options: APISelectMenuOption[] = [];
  for (let picture = 1; picture <= shown; picture++) {
    for (const action of perPicture) {
      options.push({
        label: voice.t('controls.pickOption', { number: picture, action: LABELS[action]() }),
        value: pickValue(action, picture),
        emoji: { name: EMOJI[action] },
      });
    }
  }
  return [
    row([button(voice, 'reroll', id), button(voice, 'remix', id), button(voice, 'delete', id)]),
    row([
      {
        type: ComponentType.StringSelect,
        custom_id: encodeControlId({ kind: 'pick', controlId: id }),
        placeholder: voice.t('controls.pickPlaceholder'),
        options,
      },
    ]),
  ];
}
