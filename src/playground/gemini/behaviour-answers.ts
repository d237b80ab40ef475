import { scriptedError } from './google-errors.js';
import { fromError, jsonAnswer, type Answer } from './http-exchange.js';
import type { ImageFactory } from './image-factory.js';
import {
  blockedOutputAnswer,
  blockedPromptAnswer,
  imageAnswer,
  noCandidatesAnswer,
  textAnswer,
} from './response-building.js';
import type { Behaviour, RecordedGeminiRequest } from './types.js';

export type AnsweringBehaviour = Exclude<Behaviour, { kind: 'hang' }>;

/** Minimum answer time: the emulator-wide latency applies to successful answers only. */
export function latencyFor(behaviour: AnsweringBehaviour, successLatencyMs: number): number {
  if (behaviour.kind === 'error' || behaviour.kind === 'custom') return behaviour.latencyMs ?? 0;
  return behaviour.latencyMs ?? successLatencyMs;
}

export async function answerFor(
  behaviour: AnsweringBehaviour,
  request: RecordedGeminiRequest,
  images: ImageFactory,
  nextImageSerial: () => number,
): Promise<Answer> {
  switch (behaviour.kind) {
    case 'image':
      return jsonAnswer(200, await imageAnswer(behaviour, { request, images, nextImageSerial }));
    case 'text':
      return jsonAnswer(200, textAnswer(behaviour, request));
    case 'blockedOutput':
      return jsonAnswer(200, blockedOutputAnswer(behaviour, request));
    case 'blockedPrompt':
      return jsonAnswer(200, blockedPromptAnswer(behaviour, request));
    case 'noCandidates':
      return jsonAnswer(200, noCandidatesAnswer(request));
    case 'error':
      return fromError(scriptedError({ ...behaviour, model: request.model }));
    case 'custom': {
      const custom = await behaviour.respond(request);
      return { status: custom.status, body: custom.body, headers: custom.headers };
    }
  }
}
