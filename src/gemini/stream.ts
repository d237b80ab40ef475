import type { InterimImage } from '../core/generation.js';
import { classifyGeminiError } from './errors.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The answer stream ended before Gemini finished: a reset connection, a truncated event, a clean
 * close without a finishReason, or an error event once content had arrived. Gemini may well answer
 * the same request next time, so it is retried like a network error.
 */
export class StreamBrokenError extends Error {
  override readonly name = 'StreamBrokenError';
  constructor(
    readonly chunks: number,
    options?: { cause?: unknown },
  ) {
    super(`the answer stream from Gemini broke off after ${chunks} chunks`, options);
  }
}

/** A draft as the stream reader finds it; the adapter adds the attempt. */
export type StreamedDraft = Omit<InterimImage, 'attempt'>;

/**
 * Reads a streamGenerateContent answer into the one response generateContent would have given,
 * reporting each interim (thought) image as it arrives. The result goes to the same outcome parser,
 * so refusals, text answers, signatures, usage and grounding read exactly as before.
 *
 * Merging: parts are appended in order; a text part continues the text part before it (the same
 * kind, thought or not) unless it carries a thought signature, which stays on the part Gemini put
 * it on (the final chunk's parts carry them, and a refine must replay them there). Candidate
 * fields (finishReason, grounding, ...) and the envelope (usage, promptFeedback) take the latest
 * value: Gemini sends running totals.
 */
export async function readAnswerStream(
  stream: AsyncIterable<unknown>,
  onDraft: (draft: StreamedDraft) => void = () => undefined,
): Promise<Json> {
  const answer: Json = {};
  const parts: Json[] = [];
  let candidate: Json | undefined;
  let chunks = 0;
  let drafts = 0;
  try {
    for await (const chunk of stream) {
      chunks++;
      if (!isObject(chunk)) continue;
      for (const [key, value] of Object.entries(chunk)) {
        if (key !== 'candidates' && value !== undefined) answer[key] = value;
      }
      const first = Array.isArray(chunk.candidates) ? (chunk.candidates as unknown[])[0] : undefined;
      if (!isObject(first)) continue;
      candidate ??= {};
      for (const [key, value] of Object.entries(first)) {
        if (key !== 'content' && value !== undefined) candidate[key] = value;
      }
      const content = isObject(first.content) ? first.content : undefined;
      if (content?.role !== undefined) candidate.role = content.role;
      for (const part of Array.isArray(content?.parts) ? (content.parts as unknown[]) : []) {
        if (!isObject(part)) continue;
        const draft = thoughtImage(part);
        if (draft) onDraftSafely(onDraft, { ...draft, number: ++drafts });
        append(parts, part);
      }
    }
  } catch (err) {
    throw streamFailure(err, chunks);
  }
  if (chunks === 0) throw new StreamBrokenError(0);
  if (candidate) {
    if (candidate.finishReason === undefined) throw new StreamBrokenError(chunks);
    const { role, ...fields } = candidate;
    answer.candidates = [{ ...fields, content: { role: role ?? 'model', parts } }];
  }
  return answer;
}

function thoughtImage(part: Json): { mimeType: string; data: Buffer } | undefined {
  if (part.thought !== true || !isObject(part.inlineData)) return undefined;
  const { data, mimeType } = part.inlineData;
  if (typeof data !== 'string' || data.length === 0) return undefined;
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length === 0) return undefined;
  return { mimeType: typeof mimeType === 'string' ? mimeType : 'application/octet-stream', data: bytes };
}

function onDraftSafely(onDraft: (draft: StreamedDraft) => void, draft: StreamedDraft): void {
  try {
    onDraft(draft);
  } catch {
    // A preview is a courtesy: whatever goes wrong showing it must not cost the picture.
  }
}

function append(parts: Json[], part: Json): void {
  const last = parts.at(-1);
  const isText = (p: Json) => typeof p.text === 'string' && p.inlineData === undefined;
  if (
    last &&
    isText(last) &&
    isText(part) &&
    (last.thought === true) === (part.thought === true) &&
    part.thoughtSignature === undefined
  ) {
    parts[parts.length - 1] = { ...last, text: `${String(last.text)}${String(part.text)}` };
    return;
  }
  parts.push({ ...part });
}

/**
 * What an error while reading means. A timeout or a cancellation stays one (the adapter tells them
 * apart by its own signal). An HTTP-like error event before any chunk is the request's answer and
 * is classified as such; a retryable one (429 with its delay, 503) stays what it said. Anything
 * else once the answer had begun is a broken stream.
 */
function streamFailure(err: unknown, chunks: number): unknown {
  const name = isObject(err) || err instanceof Error ? (err as { name?: unknown }).name : undefined;
  if (name === 'AbortError' || name === 'TimeoutError') return err;
  const failure = classifyGeminiError(err);
  if (failure.status !== undefined && (chunks === 0 || failure.retryable)) return err;
  return new StreamBrokenError(chunks, { cause: err });
}
