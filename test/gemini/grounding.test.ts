import { describe, expect, test } from 'vitest';
import { MAX_QUERIES, MAX_SOURCES, readGrounding } from '../../src/gemini/grounding.js';
import { responseToOutcome } from '../../src/gemini/outcome.js';
import { sniffType } from '../../src/images/sniff.js';
import { png } from '../support/images.js';

const PNG = (await png(4, 4)).toString('base64');

describe('readGrounding', () => {
  test('web queries, image queries and both kinds of source are carried, image chunks by their page', () => {
    expect(
      readGrounding({
        webSearchQueries: ['eiffel tower at night'],
        imageSearchQueries: ['eiffel tower photo'],
        groundingChunks: [
          { web: { uri: 'https://example.com/tower', title: 'The tower' } },
          {
            image: {
              imageUri: 'https://img.example.com/t.jpg',
              sourceUri: 'https://photos.example.org/page',
              title: 'Photo page',
            },
          },
          { web: { uri: 'https://example.com/untitled' } },
        ],
        searchEntryPoint: { renderedContent: '<div>chip</div>' },
      }),
    ).toEqual({
      queries: ['eiffel tower at night', 'eiffel tower photo'],
      sources: [
        { uri: 'https://example.com/tower', title: 'The tower' },
        { uri: 'https://photos.example.org/page', title: 'Photo page' },
        { uri: 'https://example.com/untitled' },
      ],
    });
  });

  test.each([
    ['not an object', 'grounding'],
    ['an array', [{ webSearchQueries: ['x'] }]],
    ['nothing found', { webSearchQueries: [], groundingChunks: [] }],
    ['only junk', { webSearchQueries: [1, null, {}, '   '], groundingChunks: [null, 3, { web: 'x' }, {}] }],
    [
      'hostile links only',
      { groundingChunks: [{ web: { uri: 'javascript:alert(1)' } }, { web: { uri: 'data:text/html,x' } }] },
    ],
    ['a relative link', { groundingChunks: [{ web: { uri: '/local' } }] }],
    ['an inherited field', Object.create({ webSearchQueries: ['inherited'] }) as unknown],
  ])('%s gives no grounding', (_name, value) => {
    expect(readGrounding(value)).toBeUndefined();
  });

  test('everything is bounded, deduplicated, and control characters are dropped', () => {
    const grounding = readGrounding({
      webSearchQueries: Array.from({ length: 50 }, (_, i) => `query ${i}\n\u0007`).concat(['query 0']),
      groundingChunks: [
        ...Array.from({ length: 100 }, (_, i) => ({
          web: { uri: `https://e.com/${i}`, title: 'x'.repeat(5000) },
        })),
      ],
    })!;
    expect(grounding.queries).toHaveLength(MAX_QUERIES);
    expect(grounding.queries[0]).toBe('query 0');
    expect(grounding.sources).toHaveLength(MAX_SOURCES);
    expect(grounding.sources[0]!.title!.length).toBeLessThanOrEqual(200);
    expect(
      readGrounding({
        groundingChunks: [{ web: { uri: 'https://a.com/' } }, { web: { uri: 'https://a.com/' } }],
      })!.sources,
    ).toHaveLength(1);
    expect(
      readGrounding({ groundingChunks: [{ web: { uri: `https://a.com/${'x'.repeat(3000)}` } }] }),
    ).toBeUndefined();
  });
});

describe('grounding and thinking tokens in an outcome', () => {
  test('an image answer carries the grounding of its candidate and the thoughts token count', async () => {
    const outcome = await responseToOutcome(
      {
        candidates: [
          {
            content: { parts: [{ inlineData: { mimeType: 'image/png', data: PNG } }] },
            finishReason: 'STOP',
            groundingMetadata: {
              webSearchQueries: ['weather in Paris'],
              groundingChunks: [{ web: { uri: 'https://weather.example/paris', title: 'Paris' } }],
            },
          },
        ],
        usageMetadata: {
          promptTokenCount: 5,
          candidatesTokenCount: 1120,
          thoughtsTokenCount: 240,
          totalTokenCount: 1365,
        },
      },
      sniffType,
    );
    expect(outcome).toMatchObject({
      kind: 'images',
      grounding: {
        queries: ['weather in Paris'],
        sources: [{ uri: 'https://weather.example/paris', title: 'Paris' }],
      },
      usage: { thoughtsTokens: 240, outputTokens: 1120 },
    });
  });

  test('a text answer carries grounding too; an answer without any has none', async () => {
    const text = await responseToOutcome(
      {
        candidates: [
          { content: { parts: [{ text: 'Which one?' }] }, groundingMetadata: { webSearchQueries: ['x'] } },
        ],
      },
      sniffType,
    );
    expect(text).toMatchObject({ kind: 'text', grounding: { queries: ['x'], sources: [] } });
    const plain = await responseToOutcome(
      { candidates: [{ content: { parts: [{ text: 'Hi' }] } }] },
      sniffType,
    );
    expect(plain).not.toHaveProperty('grounding');
  });
});
