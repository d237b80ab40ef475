import type { ModelDirectory, ModelLookup } from '../core/generation.js';
import type { ModelRoster } from '../core/model-roster.js';
import { modelInfo, pricePerImage } from '../core/models.js';
import type { Logger } from '../logger.js';
import { LogEvent } from '../log-events.js';
import { modelGoneMessage, replacementFor, unknownModelMessage } from './model-messages.js';

/** Start-up must never hang on the lookup: past this, what is unknown stays unknown. */
export const MODEL_CHECK_TIMEOUT_MS = 5000;

/** No offered model is usable: the bot cannot make a single picture, so it does not start. */
export class NoUsableModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoUsableModelError';
  }
}

/**
 * Looks every offered model up before the bot goes online. A model Google does not serve is an
 * operator error: it is logged with what to set and which image models the key can use, and
 * withdrawn from the roster. When none is left the bot must not start (NoUsableModelError). A
 * lookup that cannot be made (network, 5xx, a gateway without the Models API, the deadline) is
 * only a warning: the model stays, and its first generateContent answer decides.
 */
export async function checkOfferedModels(
  directory: ModelDirectory,
  roster: ModelRoster,
  log: Logger,
  { timeoutMs = MODEL_CHECK_TIMEOUT_MS }: { timeoutMs?: number } = {},
): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs);
  const offered = roster.offered;
  const lookups = await Promise.all(
    offered.map(({ model }) =>
      directory
        .lookUpModel(model, signal)
        .catch((err: unknown): ModelLookup => ({ kind: 'unavailable', model, reason: String(err) })),
    ),
  );
  const gone: string[] = [];
  for (const lookup of lookups) {
    const { model } = lookup;
    const info = modelInfo(model);
    if (!info.known)
      log.warn(
        { event: LogEvent.geminiModelUnknown, model },
        unknownModelMessage(model, pricePerImage(model).usd),
      );
    switch (lookup.kind) {
      case 'found':
        log.info(
          { event: LogEvent.geminiModelFound, model, displayName: lookup.displayName },
          'Gemini model found',
        );
        if (info.status.kind === 'shut-down') {
          log.warn(
            { event: LogEvent.geminiModelStillListed, model },
            `Gemini still lists ${model}, which Google announced it would shut down on ${info.status.on}: plan to move to ${replacementFor(model)}`,
          );
        }
        break;
      case 'not-found':
        gone.push(model);
        roster.withdraw(model);
        log.error(
          { event: LogEvent.geminiModelNotFound, model, usable: lookup.usable },
          modelGoneMessage(model, roster.setting, lookup.usable),
        );
        break;
      case 'unavailable':
        log.warn(
          { event: LogEvent.geminiModelLookupUnavailable, model, reason: lookup.reason },
          `could not look up Gemini model ${model} (${lookup.reason}); going on, its first request will tell`,
        );
        if (info.status.kind === 'shut-down') {
          log.error({ event: LogEvent.geminiModelShutDown, model }, modelGoneMessage(model, roster.setting));
        }
        break;
    }
  }
  if (roster.offered.length === 0) {
    throw new NoUsableModelError(
      `no offered Gemini model is usable (${gone.join(', ')} not found): the bot cannot make pictures, so it stops. Fix ${roster.setting} as the lines above say.`,
    );
  }
}
