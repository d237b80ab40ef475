/**
 * The most one Gemini answer may be, as read from the socket. A 4K picture is ~40 MB of base64 and
 * a streamed answer carries up to two drafts besides; anything far beyond is not an answer to keep
 * reading into memory (the SDK holds the whole JSON text before parsing it).
 */
export const MAX_ANSWER_BYTES = 160 * 1024 * 1024;

/** What a too-large answer fails with; the classifier names it for the member. */
export class AnswerTooLargeError extends Error {
  override readonly name = 'AnswerTooLargeError';
}

/** The same response, whose body errors once more than `max` bytes have been read from it. */
export function capAnswerBytes(response: Response, max = MAX_ANSWER_BYTES): Response {
  if (!response.body) return response;
  let read = 0;
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > max) controller.error(new AnswerTooLargeError(`Gemini's answer is over ${max} bytes`));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(counted, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
