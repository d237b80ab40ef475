import { ButtonStyle, ComponentType } from 'discord.js';
import { ENGLISH, phrase } from '../../src/text/catalogue.js';
import { describe, expect, test } from 'vitest';
import type { Grounding } from '../../src/core/generation.js';
import type { JobResult } from '../../src/core/job.js';
import {
  groundingLinks,
  groundingNote,
  linkLabel,
  MAX_LINK_ROWS,
  resultComponents,
  safeLink,
  searchLink,
} from '../../src/discord/grounding-links.js';
import { MESSAGE_LIMIT, renderResult } from '../../src/discord/render.js';

const grounded = (grounding: Grounding): JobResult => ({ kind: 'images', images: [], text: '', grounding });
const sources = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ uri: `https://site${i}.example/page`, title: `Site ${i}` }));

describe('grounding links', () => {
  test('each search is a 🔎 link button to Google’s results page, the query URL-encoded', () => {
    const { rows } = groundingLinks({ queries: ['weather in Paris & Lyon?'], sources: [] });
    expect(rows).toEqual([
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Link,
            label: '🔎 weather in Paris & Lyon?',
            url: 'https://www.google.com/search?q=weather%20in%20Paris%20%26%20Lyon%3F',
          },
        ],
      },
    ]);
  });

  test('sources follow the searches as link buttons labelled with their title, or their host', () => {
    const { rows } = groundingLinks({
      queries: ['q'],
      sources: [{ uri: 'https://www.example.com/a', title: 'Example' }, { uri: 'https://news.example/b' }],
    });
    expect(rows[1]!.components.map((b) => [b.label, b.url])).toEqual([
      ['Example', 'https://www.example.com/a'],
      ['news.example', 'https://news.example/b'],
    ]);
  });

  test.each([
    ['http://plain.example/', 'plain http'],
    ['javascript:alert(1)', 'a script'],
    ['https://user:pw@example.com/', 'credentials'],
    [`https://example.com/${'a'.repeat(600)}`, 'longer than Discord takes'],
    ['not a url', 'no URL at all'],
  ])('a source link %s is left out (%s)', (uri) => {
    expect(safeLink(uri)).toBeUndefined();
    expect(groundingLinks({ queries: [], sources: [{ uri, title: 'x' }] }).rows).toEqual([]);
  });

  test('labels are one line of at most 80 characters, with no control or direction-changing characters', () => {
    const label = linkLabel(`evil\u202e\nname\u0000 ${'x'.repeat(200)}`, '🔎 ');
    expect(Array.from(label).length).toBeLessThanOrEqual(80);
    expect(label).toMatch(/^🔎 evil name x+…$/);
  });

  test('a very long query still makes a link Discord takes (512 characters at most)', () => {
    const url = searchLink('ü'.repeat(300));
    expect(url.length).toBeLessThanOrEqual(512);
    expect(url.startsWith('https://www.google.com/search?q=%C3%BC')).toBe(true);
  });

  test('never more than four rows of five; what does not fit is counted in the text', () => {
    const grounding = { queries: ['a', 'b', 'c', 'd', 'e', 'f'], sources: sources(30) };
    const links = groundingLinks(grounding);
    expect(links.rows.length).toBe(MAX_LINK_ROWS);
    expect(links.rows.every((r) => r.components.length <= 5)).toBe(true);
    expect([links.queriesShown, links.queriesHidden, links.sourcesShown, links.sourcesHidden]).toEqual([
      6, 0, 10, 20,
    ]);
    const note = groundingNote(ENGLISH, grounded(grounding));
    expect(note).toContain('and 20 more sources not shown');
    expect(note).not.toContain('more search');
  });

  test('a result without grounding has no components and no note', () => {
    const result: JobResult = { kind: 'images', images: [], text: '' };
    expect(resultComponents(result)).toEqual([]);
    expect(groundingNote(ENGLISH, result)).toBe('');
    expect(resultComponents({ kind: 'failed', message: phrase('failure.generic') })).toEqual([]);
  });

  test('the grounded message still fits in 2000 characters and pings nobody', () => {
    const result: JobResult = {
      kind: 'text',
      text: 'y'.repeat(5000),
      grounding: { queries: ['@everyone'], sources: sources(40) },
    };
    const out = renderResult(ENGLISH, result, 'p'.repeat(6000), '500000000000000001');
    expect(out.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(out).toContain('Google Search');
    expect(out).toContain('and 25 more sources not shown');
  });
});
