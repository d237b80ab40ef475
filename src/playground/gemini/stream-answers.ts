import type { ServerResponse } from 'node:http';
import { waitUnlessClosed } from './http-exchange.js';
import type { GeminiPartJson, RecordedGeminiRequest, StreamScript } from './types.js';

/** streamGenerateContent: the same answers as generateContent, cut into chunks as Google sends them. */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Cuts a generateContent body into stream chunks: each thought part alone (thought text, then each
 * interim image), then one final chunk with the final parts (and their thought signatures), the
 * finishReason, grounding and usage. An answer without parts (a blocked prompt or output, no
 * candidates) is one chunk. Every chunk carries the envelope (modelVersion, responseId).
 */
export function streamChunks(body: unknown): Json[] {
  if (!isObject(body)) return [{ body }];
  const { candidates, usageMetadata, promptFeedback, ...envelope } = body;
  const candidate = Array.isArray(candidates) && isObject(candidates[0]) ? candidates[0] : undefined;
  const content = isObject(candidate?.content) ? candidate.content : undefined;
  const parts = Array.isArray(content?.parts) ? (content.parts as GeminiPartJson[]) : [];
  if (!candidate || parts.length === 0) return [body];

  const { content: _content, ...candidateFields } = candidate;
  const role = content?.role ?? 'model';
  const thoughts = parts.filter((part) => part.thought === true);
  const finals = parts.filter((part) => part.thought !== true);
  const chunk = (chunkParts: GeminiPartJson[], extra: Json = {}, fields: Json = {}): Json => ({
    candidates: [{ content: { role, parts: chunkParts }, index: 0, ...fields }],
    ...extra,
    ...envelope,
  });
  return [
    ...thoughts.map((part) => chunk([part])),
    chunk(
      finals,
      {
        ...(usageMetadata !== undefined ? { usageMetadata } : {}),
        ...(promptFeedback !== undefined ? { promptFeedback } : {}),
      },
      candidateFields,
    ),
  ];
}

const INTERNAL_ERROR = {
  error: { code: 500, message: 'An internal error has occurred. Please retry.', status: 'INTERNAL' },
};

/**
 * Writes chunks as Server-Sent Events (`data: {...}\n\n`, as Google does with alt=sse), one
 * every `chunkLatencyMs`, breaking or erroring where the script says. Returns how it ended.
 */
export async function writeSse(
  response: ServerResponse,
  record: RecordedGeminiRequest,
  chunks: Json[],
  script: StreamScript,
): Promise<'complete' | 'broken' | 'error-event' | 'client-gone'> {
  if (response.destroyed || response.writableEnded) return 'client-gone';
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  for (const [index, chunk] of chunks.entries()) {
    if (index > 0 && !(await waitUnlessClosed(script.chunkLatencyMs ?? 0, response))) return 'client-gone';
    if (script.breakAfterChunks !== undefined && index >= script.breakAfterChunks) {
      // A reset mid-answer: the chunked body never ends.
      response.socket?.destroy();
      return 'broken';
    }
    if (script.errorAfterChunks !== undefined && index >= script.errorAfterChunks) {
      response.end(`data: ${JSON.stringify(INTERNAL_ERROR)}\n\n`);
      return 'error-event';
    }
    if (response.destroyed) return 'client-gone';
    // Flushed before the next step, so a break after N chunks really delivers N.
    await new Promise<void>((resolve) =>
      response.write(`data: ${JSON.stringify(chunk)}\n\n`, () => resolve()),
    );
    record.chunks++;
  }
  response.end();
  return 'complete';
}
