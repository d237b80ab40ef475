import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { streamingFetch } from '../../src/gemini/streaming-fetch.js';

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

describe('streamingFetch', () => {
  test('a large body arrives byte for byte with its exact length, surrogate pairs split across slices intact', async () => {
    // Put an emoji (a surrogate pair) exactly across the first 1 MiB slice boundary.
    const body = `${'a'.repeat((1 << 20) - 1)}🍌${'b'.repeat(5 << 20)}é🍌`;
    const res = await streamingFetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    const got = received.at(-1)!;
    expect(got.body === body).toBe(true);
    expect(got.length).toBe(String(Buffer.byteLength(body)));
    expect(got.chunked).toBe(false);
  });

  test('a small body goes through plain fetch unchanged', async () => {
    await streamingFetch(url, { method: 'POST', body: '{"x":"ü"}' });
    expect(received.at(-1)).toMatchObject({
      body: '{"x":"ü"}',
      length: String(Buffer.byteLength('{"x":"ü"}')),
    });
  });
});
