import {
  ApplicationCommandOptionType,
  type APIApplicationCommandBasicOption,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { JobRequest } from '../core/job.js';
import type { OfferedModel, ModelRoster } from '../core/model-roster.js';
import { IMAGE_SIZES, modelInfo, offeredRatios, offeredSizes, type ImageSize } from '../core/models.js';
import { UserError } from '../errors.js';
import { phrase } from '../text/catalogue.js';
import { choiceOf, describedAs } from './command-text.js';

/** The member's words for a thinking level: what it does for them, not what it is called. */
const QUALITY = { fast: 'minimal', best: 'high' } as const;

/** The generation settings of a request, as the commands fill them in. */
export type GenerationChoices = Pick<
  JobRequest,
  'model' | 'imageSize' | 'aspectRatio' | 'thinkingLevel' | 'search'
>;

/**
 * The options every picture-making command offers, built from the models the operator offers: a
 * model choice only when there is more than one, the sizes and ratios any of them makes, quality
 * where one has thinking levels, and search where one can search (with `search`).
 */
export function generationOptions(
  offered: readonly OfferedModel[],
  { search }: { search: boolean },
): APIApplicationCommandBasicOption[] {
  const models = offered.map((o) => o.model);
  const infos = models.map(modelInfo);
  const options: APIApplicationCommandBasicOption[] = [];
  if (offered.length > 1) {
    options.push({
      type: ApplicationCommandOptionType.String,
      name: 'model',
      ...describedAs('commands.options.model'),
      required: false,
      choices: offered.map((o) => ({ name: o.name, value: o.name })),
    });
  }
  const sizes = offeredSizes(models);
  if (sizes.length > 1) {
    options.push({
      type: ApplicationCommandOptionType.String,
      name: 'size',
      ...describedAs('commands.options.size'),
      required: false,
      choices: sizes.map((s) => ({ name: s === '512' ? '512 px' : s, value: s })),
    });
  }
  options.push({
    type: ApplicationCommandOptionType.String,
    name: 'aspect_ratio',
    ...describedAs('commands.imagine.aspectRatio'),
    required: false,
    choices: offeredRatios(models).map((r) => ({ name: r, value: r })),
  });
  if (infos.some((i) => i.thinkingLevels.length > 0)) {
    options.push({
      type: ApplicationCommandOptionType.String,
      name: 'quality',
      ...describedAs('commands.options.quality'),
      required: false,
      choices: [
        choiceOf('fast', 'commands.options.qualityFast'),
        choiceOf('best', 'commands.options.qualityBest'),
      ],
    });
  }
  if (search && infos.some((i) => i.search.web)) {
    options.push({
      type: ApplicationCommandOptionType.Boolean,
      name: 'search',
      ...describedAs('commands.options.search'),
      required: false,
    });
  }
  return options;
}

/**
 * Reads the generation options back as the member chose them (unset ones left unset: the server's
 * defaults fill them in at the door, which also checks the combination against the model).
 */
export function readGenerationChoices(
  interaction: ChatInputCommandInteraction,
  roster: ModelRoster,
): GenerationChoices {
  const name = interaction.options.getString('model');
  const chosen = name === null ? undefined : roster.byName(name);
  if (name !== null && !chosen) throw new UserError(phrase('options.modelGone', { name }));
  const size = interaction.options.getString('size');
  const imageSize =
    size !== null && (IMAGE_SIZES as readonly string[]).includes(size) ? (size as ImageSize) : undefined;
  const aspectRatio = interaction.options.getString('aspect_ratio') ?? undefined;
  const quality = interaction.options.getString('quality');
  const thinkingLevel = quality === 'fast' || quality === 'best' ? QUALITY[quality] : undefined;
  const search = interaction.options.getBoolean('search') ?? undefined;
  return { model: chosen?.model, imageSize, aspectRatio, thinkingLevel, search: search || undefined };
}
