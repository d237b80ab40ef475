import type { GoogleGenAI, Model } from '@google/genai';
import type { ModelLookup } from '../core/generation.js';
import { classifyGeminiError } from './errors.js';

/** A key rarely sees more than a few dozen models; this only bounds a misbehaving list. */
const MAX_LISTED = 1000;

const bare = (name: string | undefined) => (name ?? '').replace(/^models\//, '');
const canGenerate = (m: Model) =>
  m.supportedActions === undefined || m.supportedActions.includes('generateContent');

/** The image models this key may call generateContent on, by id, sorted. */
async function usableImageModels(ai: GoogleGenAI, signal: AbortSignal | undefined): Promise<string[]> {
  const found = new Set<string>();
  let seen = 0;
  const pager = await ai.models.list({
    config: { pageSize: 100, ...(signal ? { abortSignal: signal } : {}) },
  });
  for await (const model of pager) {
    if (++seen > MAX_LISTED) break;
    const id = bare(model.name);
    if (id.includes('image') && model.supportedActions?.includes('generateContent')) found.add(id);
  }
  return [...found].sort();
}

function describeFailure(err: unknown, signal: AbortSignal | undefined): string {
  if (signal?.aborted) return 'the lookup took too long';
  return classifyGeminiError(err).message;
}

/**
 * Looks one model up with the Models API. A 404 is either the model (gone or never there) or a
 * gateway without the endpoint; the model list tells them apart: when the list answers, the model
 * is missing and the list says what the key can use instead; when it fails too, nothing is known.
 */
export async function lookUpModel(
  ai: GoogleGenAI,
  model: string,
  signal: AbortSignal | undefined,
): Promise<ModelLookup> {
  let info: Model | undefined;
  try {
    info = await ai.models.get({ model, config: signal ? { abortSignal: signal } : {} });
  } catch (err) {
    if (signal?.aborted || classifyGeminiError(err).status !== 404) {
      return { kind: 'unavailable', model, reason: describeFailure(err, signal) };
    }
  }
  if (info && canGenerate(info)) {
    return { kind: 'found', model, ...(info.displayName ? { displayName: info.displayName } : {}) };
  }
  try {
    const usable = await usableImageModels(ai, signal);
    // Listed though the lookup missed it: a gateway's quirk; generateContent will decide.
    if (usable.includes(model)) return { kind: 'found', model };
    return { kind: 'not-found', model, usable };
  } catch (err) {
    return {
      kind: 'unavailable',
      model,
      reason: `the model was not found, and the model list could not be read either (${describeFailure(err, signal)})`,
    };
  }
}
