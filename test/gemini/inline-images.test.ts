import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InlineImages } from '../../src/gemini/inline-images.js';

let url = '';
const received: { body: string; length: string | undefined; chunked: boolean }[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({
      body: Buffer.concat(chunks).toString('utf8'),
      length: req.headers['content-length'],
      chunked: req.headers['transfer-encoding'] === 'chunked',
    });
    res.end('{}');
  });
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('InlineImages', () => {
  test('streams each image as base64 in its token’s place, byte for byte, with the exact length', async () => {
    const inline = new InlineImages();
    // Sizes that are and are not multiples of 3, and larger than one slice.
    const images = [randomBytes(3 * (1 << 18) * 2 + 1), randomBytes(10), randomBytes(2_000_000)];
    const tokens = images.map((i) => inline.register(i));
    const text = `${'é'.repeat(700_000)}🍌`;
    const json = JSON.stringify({ text, parts: tokens.map((t) => ({ inlineData: { data: t } })) });
    await inline.fetch(url, { method: 'POST', body: json, headers: { 'content-type': 'application/json' } });

    const got = received.at(-1)!;
    const expected = JSON.stringify({
      text,
      parts: images.map((i) => ({ inlineData: { data: i.toString('base64') } })),
    });
    expect(got.body === expected).toBe(true);
    expect(got.length).toBe(String(Buffer.byteLength(expected)));
    expect(got.chunked).toBe(false);
  });

  test('text that merely looks like a token, or a released token, is sent as it is', async () => {
    const inline = new InlineImages();
    const token = inline.register(Buffer.from('secret image'));
    inline.release([token]);
    expect(inline.size).toBe(0);
    const body = JSON.stringify({ a: token, b: `bbinline_${'0'.repeat(32)}` });
    await inline.fetch(url, { method: 'POST', body });
    expect(received.at(-1)!.body).toBe(body);
  });

  test('tokens are random: a user cannot guess one to make the bot inline another job’s image', () => {
    const inline = new InlineImages();
    const a = inline.register(Buffer.alloc(1));
    const b = inline.register(Buffer.alloc(1));
    expect(a).toMatch(/^bbinline_[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });
});
