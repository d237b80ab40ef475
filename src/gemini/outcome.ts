import { readGrounding } from './grounding.js';
import { explainRefusal, NORMAL_FINISH } from './refusals.js';
import type { GeneratedImage, SniffImageType } from '../core/images.js';
import type { Outcome, Usage } from '../core/generation.js';
import type { StoredPart } from '../core/conversation.js';

const MAX_TEXT = 4000;
/**
 * Images kept from one response, by count and by decoded bytes. Gemini makes one picture per
 * request; a response with twenty large ones is not something to hold in memory and post. The rest
 * are counted, not decoded.
 */
export const MAX_IMAGES_PER_RESPONSE = 16;
export const MAX_IMAGE_BYTES_PER_RESPONSE = 64 * 1024 * 1024;
/** Model text kept for replay in later refines: it is sent again with every turn. */
export const MAX_REPLAY_TEXT = 2000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Maps a generateContent response (as JSON, trusted for nothing) to an Outcome. Interim thought
 * parts are never delivered, the image type comes from the bytes, and every image is kept.
 */
export async function responseToOutcome(response: unknown, sniffType: SniffImageType): Promise<Outcome> {
  if (!isObject(response)) return malformed('the response is not an object');

  const usage = readUsage(response.usageMetadata);
  const candidates: unknown[] = Array.isArray(response.candidates) ? (response.candidates as unknown[]) : [];
  const feedback = isObject(response.promptFeedback) ? response.promptFeedback : undefined;
  const blockReason = asString(feedback?.blockReason);
  if (blockReason && blockReason !== 'BLOCKED_REASON_UNSPECIFIED') {
    return refused('prompt', blockReason, asString(feedback?.blockReasonMessage), usage);
  }
  const candidate = candidates[0];
  if (!isObject(candidate)) {
    return refused('prompt', 'OTHER', undefined, usage);
  }

  const content = isObject(candidate.content) ? candidate.content : undefined;
  const parts = Array.isArray(content?.parts) ? content.parts : [];
  const images: GeneratedImage[] = [];
  const texts: string[] = [];
  const modelParts: StoredPart[] = [];
  let omitted = 0;
  let keptBytes = 0;

  for (const part of parts) {
    if (!isObject(part) || part.thought === true) continue;
    const signature = asString(part.thoughtSignature);
    const inline = isObject(part.inlineData) ? part.inlineData : undefined;
    const text = asString(part.text);
    if (inline) {
      if (images.length >= MAX_IMAGES_PER_RESPONSE || keptBytes >= MAX_IMAGE_BYTES_PER_RESPONSE) {
        omitted++;
        continue;
      }
      const data = decodeBase64(inline.data);
      if (!data) continue;
      if (keptBytes + data.length > MAX_IMAGE_BYTES_PER_RESPONSE && images.length > 0) {
        omitted++;
        continue;
      }
      const sniffed = await sniffType(data);
      if (!sniffed || !sniffed.mime.startsWith('image/')) continue;
      modelParts.push({ imageIndex: images.length, ...(signature ? { thoughtSignature: signature } : {}) });
      keptBytes += data.length;
      images.push({
        mimeType: sniffed.mime,
        extension: sniffed.ext,
        data,
        ...(signature ? { thoughtSignature: signature } : {}),
      });
    } else if (text !== undefined) {
      if (text.trim()) texts.push(text.trim());
      modelParts.push({
        text: forReplay(text),
        ...(signature ? { thoughtSignature: signature } : {}),
      });
    }
  }

  const text = texts.join('\n\n').slice(0, MAX_TEXT);
  const grounding = readGrounding(candidate.groundingMetadata);
  const extras = { ...(usage ? { usage } : {}), ...(grounding ? { grounding } : {}) };
  const finishReason = asString(candidate.finishReason) ?? 'STOP';
  if (images.length > 0) {
    return { kind: 'images', images, text, modelParts, ...(omitted > 0 ? { omitted } : {}), ...extras };
  }
  if (!NORMAL_FINISH.has(finishReason)) {
    return refused('output', finishReason, asString(candidate.finishMessage), usage);
  }
  if (text) return { kind: 'text', text, ...extras };
  return refused('output', 'NO_IMAGE', undefined, usage);
}

function refused(source: 'prompt' | 'output', reason: string, detail?: string, usage?: Usage): Outcome {
  return {
    kind: 'refused',
    source,
    reason,
    explanation: explainRefusal(source, reason),
    ...(detail ? { detail: detail.slice(0, 500) } : {}),
    ...(usage ? { usage } : {}),
  };
}

function malformed(message: string): Outcome {
  return { kind: 'failed', error: { kind: 'unknown', message, retryable: false } };
}

function decodeBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const data = Buffer.from(value, 'base64');
  return data.length > 0 ? data : undefined;
}

function readUsage(value: unknown): Usage | undefined {
  if (!isObject(value)) return undefined;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
  return {
    promptTokens: n(value.promptTokenCount),
    outputTokens: n(value.candidatesTokenCount),
    totalTokens: n(value.totalTokenCount),
    thoughtsTokens: n(value.thoughtsTokenCount),
  };
}

/** Model text cut for replay, never inside a surrogate pair. */
function forReplay(text: string): string {
  return text.length <= MAX_REPLAY_TEXT
    ? text
    : text.slice(0, MAX_REPLAY_TEXT).replace(/[\ud800-\udbff]$/, '');
}
