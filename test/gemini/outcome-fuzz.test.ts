import fc from 'fast-check';
import { hasText } from '../../src/text/catalogue.js';
import { describe, expect, test } from 'vitest';
import { responseToOutcome } from '../../src/gemini/outcome.js';
import { sniffType } from '../../src/images/sniff.js';
import type { Outcome } from '../../src/core/generation.js';
import { jpeg, png } from '../images/fixtures.js';

/** The parser as the adapter runs it, typing images by their bytes. */
const toOutcome = (response: unknown) => responseToOutcome(response, sniffType);

/**
 * Whatever Gemini (or a proxy, or a bug) sends, responseToOutcome resolves to a well-formed
 * Outcome and never throws. Seeds are fixed so every run tries the same inputs.
 */

const PNG_B64 = (await png(8, 8)).toString('base64');
const JPEG_B64 = (await jpeg(8, 8)).toString('base64');
const RUNS = { seed: 20260101, numRuns: 300 } as const;
const KINDS = ['images', 'text', 'refused', 'failed'];

/** The Outcome contract the pipeline and delivery rely on, checked field by field. */
function expectWellFormed(outcome: Outcome): void {
  expect(KINDS).toContain(outcome.kind);
  if ((outcome.kind === 'images' || outcome.kind === 'text') && outcome.grounding) {
    const { queries, sources } = outcome.grounding;
    expect(queries.length + sources.length).toBeGreaterThan(0);
    expect(queries.length).toBeLessThanOrEqual(10);
    expect(sources.length).toBeLessThanOrEqual(20);
    for (const q of queries) expect(typeof q === 'string' && q.trim() !== '').toBe(true);
    for (const s of sources) {
      expect(s.uri).toMatch(/^https?:\/\//);
      if (s.title !== undefined) expect(s.title.length).toBeLessThanOrEqual(200);
    }
  }
  switch (outcome.kind) {
    case 'images':
      expect(outcome.images.length).toBeGreaterThan(0);
      for (const image of outcome.images) {
        expect(Buffer.isBuffer(image.data) && image.data.length > 0).toBe(true);
        expect(image.mimeType).toMatch(/^image\//);
        expect(typeof image.extension).toBe('string');
      }
      expect(typeof outcome.text).toBe('string');
      expect(outcome.text.length).toBeLessThanOrEqual(4000);
      for (const part of outcome.modelParts) {
        if (part.imageIndex !== undefined) expect(part.imageIndex).toBeLessThan(outcome.images.length);
        else expect(typeof part.text).toBe('string');
      }
      break;
    case 'text':
      expect(outcome.text.trim()).not.toBe('');
      break;
    case 'refused':
      expect(['prompt', 'output']).toContain(outcome.source);
      expect(typeof outcome.reason).toBe('string');
      // See the known bug below: reasons named like Object.prototype members are excluded here.
      if (!(outcome.reason in Object.prototype)) expect(hasText(outcome.explanation.key)).toBe(true);
      if (outcome.detail !== undefined) expect(outcome.detail.length).toBeLessThanOrEqual(500);
      break;
    case 'failed':
      expect(typeof outcome.error.message).toBe('string');
      break;
  }
}

const mostly = <T>(shaped: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: shaped }, fc.anything());

const reason = fc.oneof(
  fc.constantFrom('STOP', 'SAFETY', 'IMAGE_SAFETY', 'PROHIBITED_CONTENT', 'NO_IMAGE', 'OTHER', 'MAX_TOKENS'),
  fc.constantFrom('FINISH_REASON_UNSPECIFIED', 'BLOCKED_REASON_UNSPECIFIED', '', 'stop'),
  fc.string(),
);
const imageData = fc.oneof(
  fc.constant(PNG_B64),
  fc.constant(JPEG_B64),
  fc.constant(PNG_B64.slice(0, 40)),
  fc.base64String(),
  fc.string(),
  fc.constant(''),
);
const part = mostly(
  fc.record(
    {
      text: mostly(fc.string()),
      inlineData: mostly(
        fc.record(
          {
            mimeType: mostly(fc.constantFrom('image/png', 'image/jpeg', 'text/plain')),
            data: mostly(imageData),
          },
          { requiredKeys: [] },
        ),
      ),
      thought: fc.oneof(fc.boolean(), fc.anything()),
      thoughtSignature: mostly(fc.base64String()),
    },
    { requiredKeys: [] },
  ),
);
const link = fc.oneof(fc.webUrl(), fc.constantFrom('javascript:alert(1)', '/relative', ''), fc.string());
const groundingMetadata = mostly(
  fc.record(
    {
      webSearchQueries: mostly(fc.array(mostly(fc.string()), { maxLength: 30 })),
      imageSearchQueries: mostly(fc.array(mostly(fc.string()), { maxLength: 5 })),
      groundingChunks: mostly(
        fc.array(
          mostly(
            fc.record(
              {
                web: mostly(
                  fc.record({ uri: mostly(link), title: mostly(fc.string()) }, { requiredKeys: [] }),
                ),
                image: mostly(
                  fc.record({ sourceUri: mostly(link), title: mostly(fc.string()) }, { requiredKeys: [] }),
                ),
              },
              { requiredKeys: [] },
            ),
          ),
          { maxLength: 30 },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);
const candidate = mostly(
  fc.record(
    {
      content: mostly(fc.record({ role: fc.string(), parts: mostly(fc.array(part, { maxLength: 5 })) })),
      finishReason: mostly(reason),
      finishMessage: mostly(fc.string()),
      groundingMetadata,
      index: fc.anything(),
    },
    { requiredKeys: [] },
  ),
);
const geminiLike = fc.record(
  {
    candidates: mostly(fc.array(candidate, { maxLength: 3 })),
    promptFeedback: mostly(
      fc.record(
        { blockReason: mostly(reason), blockReasonMessage: mostly(fc.string()) },
        { requiredKeys: [] },
      ),
    ),
    usageMetadata: mostly(
      fc.record(
        {
          promptTokenCount: mostly(fc.oneof(fc.integer(), fc.double())),
          candidatesTokenCount: mostly(fc.integer()),
          totalTokenCount: mostly(fc.integer()),
        },
        { requiredKeys: [] },
      ),
    ),
    modelVersion: fc.string(),
  },
  { requiredKeys: [] },
);

const realResponse = JSON.stringify({
  candidates: [
    {
      content: {
        role: 'model',
        parts: [
          { text: 'Composing…', thought: true },
          { inlineData: { mimeType: 'image/png', data: PNG_B64 }, thought: true },
          { text: 'Here is your picture, “quoted” \\ and escaped.', thoughtSignature: 'CiQB' },
          { inlineData: { mimeType: 'image/png', data: PNG_B64 }, thoughtSignature: 'EsYB' },
          { inlineData: { mimeType: 'image/png', data: JPEG_B64 } },
        ],
      },
      finishReason: 'STOP',
      index: 0,
    },
  ],
  usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 1139, totalTokenCount: 1391 },
  modelVersion: 'gemini-3-pro-image',
});

/**
 * Closes whatever a cut-off JSON text left open (a string, arrays, objects), backing off a
 * character at a time until it parses: a truncated response as a lenient parser would see it.
 */
function parseTruncated(prefix: string): unknown {
  for (let text = prefix; text.length > 0; text = text.slice(0, -1)) {
    const closers: string[] = [];
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{') closers.push('}');
      else if (ch === '[') closers.push(']');
      else if (ch === '}' || ch === ']') closers.pop();
    }
    const body = inString ? (text.endsWith('\\') ? text.slice(0, -1) : text) + '"' : text;
    try {
      return JSON.parse(body + closers.reverse().join(''));
    } catch {
      // back off one more character
    }
  }
  return undefined;
}

describe('responseToOutcome under fuzzing', () => {
  test('any JSON value resolves to a well-formed Outcome', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => expectWellFormed(await toOutcome(value))),
      RUNS,
    );
  });

  test('any JavaScript value (null prototypes, odd keys, undefined) resolves too', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything({ withNullPrototype: true, withObjectString: true }), async (value) =>
        expectWellFormed(await toOutcome(value)),
      ),
      RUNS,
    );
  });

  test('Gemini-shaped responses with random parts, base64, reasons and thought flags resolve', async () => {
    const kinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(mostly(geminiLike), async (response) => {
        const outcome = await toOutcome(response);
        expectWellFormed(outcome);
        kinds.add(outcome.kind);
      }),
      { ...RUNS, numRuns: 500 },
    );
    // The generator reaches every branch, or the property proves less than it claims.
    expect([...kinds].sort()).toEqual(['failed', 'images', 'refused', 'text']);
  });

  test('every truncation of a real response, closed up and parsed, resolves', async () => {
    const seen = new Set<string>();
    for (let cut = 0; cut <= realResponse.length; cut++) {
      const outcome = await toOutcome(parseTruncated(realResponse.slice(0, cut)));
      expectWellFormed(outcome);
      seen.add(outcome.kind);
    }
    expect(seen).toContain('images');
    // The whole text, unharmed, is still the two delivered images and the one text.
    const whole = await toOutcome(JSON.parse(realResponse));
    expect(whole.kind === 'images' && whole.images.map((i) => i.mimeType)).toEqual([
      'image/png',
      'image/jpeg',
    ]);
  });

  // Found by fuzzing: reasons named like Object.prototype members once returned a function.
  test.each(['constructor', 'toString', '__proto__'])(
    'a finishReason or blockReason of "%s" still gets a sentence as its explanation',
    async (name) => {
      const output = await toOutcome({ candidates: [{ finishReason: name }] });
      expect(output.kind === 'refused' && hasText(output.explanation.key)).toBe(true);
      const prompt = await toOutcome({ promptFeedback: { blockReason: name } });
      expect(prompt.kind === 'refused' && hasText(prompt.explanation.key)).toBe(true);
    },
  );
});
