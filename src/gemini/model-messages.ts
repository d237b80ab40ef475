import type { ModelSetting } from '../core/model-roster.js';
import { DEFAULT_MODEL, modelInfo } from '../core/models.js';

/** What to offer instead of a model that is gone: the catalogue's successor, if the key can use it. */
export function replacementFor(model: string, usable?: readonly string[]): string {
  const status = modelInfo(model).status;
  const preferred = status.kind === 'shut-down' ? status.replacement : DEFAULT_MODEL;
  if (!usable || usable.length === 0 || usable.includes(preferred)) return preferred;
  const current = usable.find((m) => modelInfo(m).known && modelInfo(m).status.kind === 'ga');
  return current ?? usable[0] ?? preferred;
}

function settingFor(model: string, setting: ModelSetting): { subject: string; fix: (to: string) => string } {
  return setting === 'GEMINI_MODEL'
    ? { subject: `GEMINI_MODEL ${model}`, fix: (to) => `set GEMINI_MODEL=${to}` }
    : { subject: `The GEMINI_MODELS entry ${model}`, fix: (to) => `replace it in GEMINI_MODELS with ${to}` };
}

/**
 * The operator's line for a model Google does not serve: which model, why (the catalogue's
 * shut-down date when known), what to set, and, when the model list could be read, which image
 * models the key can use.
 */
export function modelGoneMessage(model: string, setting: ModelSetting, usable?: readonly string[]): string {
  const status = modelInfo(model).status;
  const { subject, fix } = settingFor(model, setting);
  const why =
    status.kind === 'shut-down'
      ? `was shut down by Google on ${status.on} (Gemini answers 404 NOT_FOUND for it)`
      : 'is not a model Gemini serves to this key (404 NOT_FOUND)';
  const list =
    usable === undefined
      ? ''
      : usable.length > 0
        ? ` Image models this key can use: ${usable.join(', ')}.`
        : ' This key can use no image model: check that its Google project has billing and the Gemini API enabled.';
  return `${subject} ${why}: ${fix(replacementFor(model, usable))}.${list}`;
}

/** The start-up line for a model the catalogue does not know: it works, with cautious limits. */
export function unknownModelMessage(model: string, priceUsd: number): string {
  return (
    `Gemini model ${model} is not in the bot's model catalogue: it is offered with conservative limits ` +
    `(1K pictures, the 10 common aspect ratios, 3 input images, no search grounding, no thinking level) ` +
    `and budgeted at $${priceUsd} per picture, the dearest known 1K price. Add it to src/core/models.ts to lift them.`
  );
}
