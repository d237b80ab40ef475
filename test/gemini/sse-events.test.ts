import { describe, expect, test } from 'vitest';
import { wholeEvents } from '../../src/gemini/sse-events.js';

/** Feeds the pieces through wholeEvents and collects what comes out, as text. */
async function regroup(pieces: string[]): Promise<string[]> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(new TextEncoder().encode(piece));
      controller.close();
    },
  });
  const out: string[] = [];
  const reader = wholeEvents(source).getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read())
    out.push(Buffer.from(r.value).toString());
  return out;
}

describe('wholeEvents', () => {
  test('an event spread over many reads is handed on in one piece', async () => {
    expect(await regroup(['data: {"a":', '"long', ' value"}', '\n\n', 'data: {"b":1}\n\n'])).toEqual([
      'data: {"a":"long value"}\n\n',
      'data: {"b":1}\n\n',
    ]);
  });

  test.each([
    ['\\n\\n', ['data: 1\n', '\ndata: 2\n\n'], ['data: 1\n\ndata: 2\n\n']],
    ['\\r\\n\\r\\n', ['data: 1\r\n\r', '\ndata: 2'], ['data: 1\r\n\r\ndata: 2']],
    [
      '\\r\\n\\r\\n over three reads',
      ['data: 1\r', '\n', '\r\n', 'data: 2\r\n\r\n'],
      ['data: 1\r\n\r\n', 'data: 2\r\n\r\n'],
    ],
  ])('a delimiter (%s) split across reads still ends its event at once', async (_name, pieces, expected) => {
    expect(await regroup(pieces)).toEqual(expected);
  });

  test('the start of the next event may ride along, and an unfinished last event is passed on as it is', async () => {
    expect(await regroup(['data: 1\n\ndata: 2', ' and more'])).toEqual(['data: 1\n\ndata: 2', ' and more']);
  });

  test('an event is handed on as soon as it ends, without waiting for the next', async () => {
    let release: () => void = () => undefined;
    const source = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode('data: 1\n\n'));
        await new Promise<void>((resolve) => (release = resolve));
        controller.close();
      },
    });
    const reader = wholeEvents(source).getReader();
    expect(Buffer.from((await reader.read()).value!).toString()).toBe('data: 1\n\n');
    release();
    expect((await reader.read()).done).toBe(true);
  });
});
