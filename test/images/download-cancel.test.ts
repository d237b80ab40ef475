import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { downloadAttachment, type DownloadPolicy } from '../../src/images/download.js';
import { drip, startFixtureServer, type FixtureServer } from './fixture-server.js';

let server: FixtureServer;
const dir = mkdtempSync(join(tmpdir(), 'download-cancel-'));
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const policy = (): DownloadPolicy => ({
  allowedHosts: [server.hostPort],
  maxBytes: 1 << 20,
  idleTimeoutMs: 10_000,
  totalTimeoutMs: 60_000,
});

describe('a cancelled job stops downloading', () => {
  test('an abort mid-download rejects at once with the abort reason and leaves no file', async () => {
    const url = server.route('/slow.png', drip(50));
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const started = Date.now();
    const download = downloadAttachment(
      url,
      'slow.png',
      policy(),
      join(dir, 'a'),
      undefined,
      controller.signal,
    );
    setTimeout(() => controller.abort(reason), 200);
    await expect(download).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('an already cancelled job does not start a download', async () => {
    const url = server.route('/never.png', drip(50));
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    await expect(
      downloadAttachment(url, 'never.png', policy(), join(dir, 'b'), undefined, controller.signal),
    ).rejects.toThrow('shutting down');
    expect(server.hits.get('/never.png')).toBeUndefined();
  });
});
