import { describe, expect, test } from 'vitest';
import { ENGLISH, phrase } from '../../src/text/catalogue.js';
import {
  echoPrompt,
  inertText,
  MESSAGE_LIMIT,
  renderProgress,
  renderResult,
} from '../../src/discord/render.js';
import { shorten } from '../../src/text/length.js';

describe('rendering', () => {
  test.each([
    ['@everyone look', '@\u200beveryone look'],
    ['hi @here', 'hi @\u200bhere'],
    ['<@123456789012345678>', '<@\u200b123456789012345678>'],
    ['<@&123456789012345678>', '<@&\u200b123456789012345678>'],
    ['<#123456789012345678>', '<#\u200b123456789012345678>'],
  ])('mentions in %j are made inert', (input, expected) => {
    expect(inertText(input)).toBe(expected);
  });

  test('markdown in a prompt cannot break the message', () => {
    const out = inertText('**bold** `code` ||spoiler|| ~~x~~ __u__ # heading');
    expect(out).not.toMatch(/(?<!\\)\*\*/);
    expect(out).toContain('\\*\\*bold\\*\\*');
    expect(out).toContain('\\`code\\`');
    expect(out).toContain('\\|\\|spoiler\\|\\|');
  });

  test('long text is cut at a word with an ellipsis', () => {
    const out = shorten('word '.repeat(100), 50);
    expect(out.length).toBeLessThanOrEqual(50);
    expect(out.endsWith('…')).toBe(true);
  });

  test('the echoed prompt is one line', () => {
    expect(echoPrompt('a\n\ncat\tsat')).toBe('a cat sat');
  });

  test.each([
    ['images', { kind: 'images' as const, images: [], text: 'x'.repeat(5000) }],
    ['text', { kind: 'text' as const, text: 'y'.repeat(5000) }],
    [
      'refused',
      { kind: 'refused' as const, explanation: phrase('refusal.output.SAFETY'), detail: 'z'.repeat(5000) },
    ],
    ['failed', { kind: 'failed' as const, message: phrase('failure.generic') }],
  ])('a %s result always fits in one message, even with huge text and prompt', (_, result) => {
    const out = renderResult(ENGLISH, result, 'p'.repeat(6000), '500000000000000001');
    expect(out.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  });

  test('a result names the user and says when the file is not the original', () => {
    const out = renderResult(
      ENGLISH,
      {
        kind: 'images',
        images: [{ filename: 'a.webp', data: Buffer.alloc(1), note: phrase('fit.lossless') }],
        text: '',
      },
      'a cat',
      '500000000000000001',
    );
    expect(out).toContain('<@500000000000000001>');
    expect(out).toContain(ENGLISH.t('fit.lossless'));
  });

  test('a refusal shows the explanation and what Gemini said', () => {
    const out = renderResult(
      ENGLISH,
      { kind: 'refused', explanation: phrase('refusal.output.IMAGE_SAFETY'), detail: 'Unsafe.' },
      'x',
      'u',
    );
    expect(out).toContain(ENGLISH.t('refusal.output.IMAGE_SAFETY'));
    expect(out).toContain('> Unsafe.');
  });

  test('progress shows the queue position, then generating', () => {
    expect(renderProgress(ENGLISH, { state: 'queued', position: 3 }, 'cat')).toContain('position 3');
    expect(renderProgress(ENGLISH, { state: 'queued', position: 1 }, 'cat')).toContain('Next in line');
    expect(renderProgress(ENGLISH, { state: 'generating', attempt: 1 }, 'cat')).toContain('Generating');
    expect(renderProgress(ENGLISH, { state: 'generating', attempt: 2 }, 'cat')).toContain('try 2');
  });

  test('a progress message with a draft says in words that it is a draft, not the picture', () => {
    const draft = { filename: 'draft-j-2.jpg', data: Buffer.from('x'), number: 2 };
    const out = renderProgress(ENGLISH, { state: 'generating', attempt: 1, draft }, 'cat');
    expect(out).toMatch(/^🎨 Generating \*\*cat\*\*…\n-# ✏️ Draft 2, not the finished picture: /);
  });
});
