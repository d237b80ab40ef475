import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { classifyGeminiError } from '../../src/gemini/errors.js';
import { InlineImages } from '../../src/gemini/inline-images.js';
import { keepAliveAgents } from '../../src/gemini/send-pieces.js';

let url = '';
const dir = mkdtempSync(join(tmpdir(), 'inline-'));
const received: { body: string; length: string | undefined; chunked: boolean }[] = [];
const server = createServer((req, res) => {
  if (req.url === '/hang') return;
  if (req.url === '/busy') {
    req.resume();
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
    res.end(JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } }));
    return;
  }
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
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

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

  test('images in files are read slice by slice as they are sent, and again for a second attempt', async () => {
    const bytes = [randomBytes(1_000_001), randomBytes(2)];
    const files = bytes.map((b, i) => {
      const path = join(dir, `f${i}`);
      writeFileSync(path, b);
      return { path, size: b.length };
    });
    const inline = new InlineImages();
    const small = randomBytes(5);
    const json = JSON.stringify({ parts: [small, ...files].map((d) => inline.register(d)) });
    const expected = JSON.stringify({ parts: [small, ...bytes].map((b) => b.toString('base64')) });
    for (let attempt = 0; attempt < 2; attempt++) {
      await inline.fetch(url, { method: 'POST', body: json });
      expect(received.at(-1)!.body === expected).toBe(true);
      expect(received.at(-1)!.length).toBe(String(Buffer.byteLength(expected)));
    }
  });

  test('a file that shrank after it was registered fails the request instead of sending a short body', async () => {
    const path = join(dir, 'shrunk');
    writeFileSync(path, randomBytes(100));
    const inline = new InlineImages();
    const token = inline.register({ path, size: 200_000 });
    const before = received.length;
    await expect(inline.fetch(url, { method: 'POST', body: JSON.stringify({ d: token }) })).rejects.toThrow();
    expect(received.length).toBe(before);
  });

  test('answers like fetch: status, headers and body of any answer come back as a Response', async () => {
    const inline = new InlineImages();
    const body = JSON.stringify({ d: inline.register(randomBytes(100)) });
    const res = await inline.fetch(`${url}busy`, { method: 'POST', body });
    expect(res.status).toBe(429);
    expect(res.ok).toBe(false);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toEqual({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
  });

  test('fails like fetch: an abort is an AbortError, a refused connection a network error', async () => {
    const inline = new InlineImages();
    const body = JSON.stringify({ d: inline.register(randomBytes(100)) });
    const controller = new AbortController();
    const pending = inline.fetch(`${url}hang`, { method: 'POST', body, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const aborted = await pending.catch((err: unknown) => err);
    expect((aborted as Error).name).toBe('AbortError');
    expect(classifyGeminiError(aborted).kind).toBe('timeout');

    const refused = await inline
      .fetch('http://127.0.0.1:1/', { method: 'POST', body })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TypeError);
    expect(classifyGeminiError(refused)).toMatchObject({ kind: 'network', retryable: true });
  });

  test('over https, as in production, the image arrives byte for byte and the connection is kept', async () => {
    // A certificate for 127.0.0.1 made for this test, trusted only by the agent below.
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const bodies: Buffer[] = [];
    const sockets = new Set<unknown>();
    const tls = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      sockets.add(req.socket);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks));
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    try {
      const inline = new InlineImages(keepAliveAgents({ ca: readFileSync(cert) }));
      const image = randomBytes(200_001);
      const tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/`;
      for (let i = 0; i < 2; i++) {
        const res = await inline.fetch(tlsUrl, {
          method: 'POST',
          body: JSON.stringify({ d: inline.register(image) }),
        });
        expect(await res.json()).toEqual({ ok: true });
      }
      expect(bodies.map((b) => b.toString())).toEqual(
        Array(2).fill(JSON.stringify({ d: image.toString('base64') })),
      );
      expect(sockets.size).toBe(1);

      // An untrusted certificate is a network error, as fetch reports it.
      const strict = new InlineImages();
      const err = await strict
        .fetch(tlsUrl, { method: 'POST', body: JSON.stringify({ d: strict.register(image) }) })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).toBe('fetch failed');
    } finally {
      tls.closeAllConnections();
      await new Promise<void>((r) => tls.close(() => r()));
    }
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
