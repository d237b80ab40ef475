import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import type { DownloadPolicy } from '../../src/images/download.js';
import { createLoader } from '../../src/images/load.js';
import { Spool, SpooledFile } from '../../src/images/spool.js';
import {
  animated,
  avif,
  bmp,
  bombPng,
  heic,
  heicHeaderOnly,
  jpeg,
  noisePng,
  PDF,
  png,
  seededBytes,
  SVG_ENTITY_BOMB,
  SVG_UTF16,
  SVG_WITH_SCRIPT,
  TEXT,
  tiff,
  webp,
} from './fixtures.js';
import {
  drip,
  gzipBomb,
  redirect,
  type Route,
  serve,
  silent,
  startFixtureServer,
  status,
  streamed,
  type FixtureServer,
} from './fixture-server.js';

/**
 * Every hostile input we know of, through the same path a job takes (download, then normalize),
 * from a local stand-in for Discord's CDN. Each row says what must come out: an image of a given
 * type and size, or a refusal whose message names the file and the reason.
 */

const MiB = 1024 * 1024;
const server = await startFixtureServer();
const spoolBase = mkdtempSync(join(tmpdir(), 'hostile-spool-'));
const spool = Spool.open(spoolBase);
afterAll(() => {
  rmSync(spoolBase, { recursive: true, force: true });
  return server.close();
});
const spooledFiles = () => readdirSync(spool.dir);

const basePolicy: DownloadPolicy = {
  allowedHosts: ['cdn.discordapp.com', 'media.discordapp.net', server.hostPort],
  maxBytes: 25 * MiB,
  idleTimeoutMs: 2_000,
  totalTimeoutMs: 5_000,
};

type Expectation =
  | {
      readonly accepted: string;
      readonly width: number;
      readonly height: number;
      /** Sent to Gemini byte for byte as uploaded. */
      readonly unchanged?: boolean;
      /** RGB, or RGBA to check transparency survived too. */
      readonly firstPixel?: readonly number[];
    }
  | { readonly refused: string };

interface HostileCase {
  readonly name: string;
  readonly filename: string;
  /** Served from its own path on the fixture server... */
  readonly body?: Buffer;
  readonly route?: Route;
  /** ...or a URL of its own (routes it needs are registered here). */
  readonly url?: (srv: FixtureServer) => string;
  readonly declaredSize?: number;
  readonly policy?: Partial<DownloadPolicy>;
  readonly expect: Expectation;
  /** The refusal must come within this long (deadlines). */
  readonly withinMs?: number;
  /** The server must never have been asked for this case's path. */
  readonly neverFetched?: boolean;
}

const [pngBytes, jpegBytes, wide, rotated, gif, animatedWebp] = await Promise.all([
  png(48, 32),
  jpeg(40, 24),
  png(6000, 3000),
  jpeg(60, 20, 6),
  animated('gif'),
  animated('webp'),
]);
const noise = await noisePng(200, 100);
const thirtyMb = Buffer.alloc(30 * MiB, 7);
const heicPhoto = heic(4032, 3024);
/** Differs per row, so a BMP read upside down shows in its first pixel. */
function grey(x: number, y: number): [number, number, number, number] {
  return [(x * 16 + y * 8 + 5) & 0xff, 0, 0, 255];
}

// One row per input, so the table reads as a table.
// prettier-ignore
const cases: HostileCase[] = [
  // The name and declared type say nothing; the bytes decide.
  { name: 'PNG named .jpg', filename: 'photo.jpg', body: pngBytes, expect: { accepted: 'image/png', width: 48, height: 32, unchanged: true } },
  { name: 'JPEG named .png', filename: 'drawing.png', body: jpegBytes, expect: { accepted: 'image/jpeg', width: 40, height: 24, unchanged: true } },
  { name: 'WebP passes through', filename: 'a.webp', body: await webp(30, 20), expect: { accepted: 'image/webp', width: 30, height: 20, unchanged: true } },
  // Not an image, or not a whole one.
  { name: 'zero bytes', filename: 'empty.png', body: Buffer.alloc(0), expect: { refused: '“empty.png” is empty' } },
  { name: 'truncated PNG', filename: 'cut.png', body: noise.subarray(0, Math.floor(noise.length * 0.6)), expect: { refused: '“cut.png” looks damaged or truncated' } },
  { name: 'PNG signature and header only', filename: 'head.png', body: pngBytes.subarray(0, 33), expect: { refused: '“head.png” looks damaged or truncated' } },
  { name: 'truncated JPEG', filename: 'cut.jpg', body: jpegBytes.subarray(0, Math.floor(jpegBytes.length * 0.7)), expect: { refused: '“cut.jpg” looks damaged or truncated' } },
  { name: 'random bytes', filename: 'noise.png', body: seededBytes(4096), expect: { refused: '“noise.png” is not an image I can read' } },
  { name: 'a filename with control characters, backticks and 300 characters is cleaned and shortened', filename: `a\n\u0007\`${'x'.repeat(300)}.png`, body: Buffer.alloc(0), expect: { refused: `“a${'x'.repeat(78)}…” is empty` } },
  { name: 'a text file', filename: 'notes.png', body: TEXT, expect: { refused: '“notes.png” is a text file' } },
  { name: 'SVG with a script', filename: 'logo.png', body: SVG_WITH_SCRIPT, expect: { refused: '“logo.png” is an SVG drawing' } },
  { name: 'SVG behind an XML prolog and an entity-bomb DOCTYPE', filename: 'bomb.svg', body: SVG_ENTITY_BOMB, expect: { refused: '“bomb.svg” is an SVG drawing' } },
  { name: 'SVG in UTF-16', filename: 'wide.svg', body: SVG_UTF16, expect: { refused: '“wide.svg” is an SVG drawing' } },
  { name: 'PDF header', filename: 'scan.jpg', body: PDF, expect: { refused: '“scan.jpg” is a PDF' } },
  { name: 'gzip (an .svgz)', filename: 'logo.svgz', body: Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]), expect: { refused: '“logo.svgz” is in GZ format, not an image I can use' } },
  // Decompression bombs and oversized images.
  { name: '20000x20000 PNG bomb (50 KB on disk, 1.2 GB decoded)', filename: 'bomb.png', body: bombPng(20_000, 20_000), expect: { refused: '“bomb.png” is 20000x20000 pixels' } },
  { name: '6000x3000 is scaled to 4096 on its longest side', filename: 'wide.png', body: wide, expect: { accepted: 'image/png', width: 4096, height: 2048 } },
  { name: 'EXIF orientation 6 is applied (width and height swap)', filename: 'phone.jpg', body: rotated, expect: { accepted: 'image/jpeg', width: 20, height: 60 } },
  // Formats Gemini does not take become PNG; the first frame of an animation.
  { name: 'animated GIF becomes its first frame as PNG', filename: 'dance.gif', body: gif, expect: { accepted: 'image/png', width: 16, height: 8, firstPixel: [255, 0, 0] } },
  { name: 'animated WebP becomes its first frame as PNG', filename: 'dance.webp', body: animatedWebp, expect: { accepted: 'image/png', width: 16, height: 8, firstPixel: [255, 0, 0] } },
  { name: 'AVIF becomes PNG', filename: 'a.avif', body: await avif(40, 30), expect: { accepted: 'image/png', width: 40, height: 30 } },
  { name: 'TIFF becomes PNG', filename: 'scan.tif', body: await tiff(40, 30), expect: { accepted: 'image/png', width: 40, height: 30 } },
  { name: '24-bit BMP becomes PNG', filename: 'paint.bmp', body: bmp(7, 5, (_x, y) => [10, y * 40, 30, 255]), expect: { accepted: 'image/png', width: 7, height: 5, firstPixel: [10, 0, 30] } },
  { name: '8-bit palette BMP becomes PNG', filename: 'old.bmp', body: bmp(9, 4, grey, { bpp: 8 }), expect: { accepted: 'image/png', width: 9, height: 4, firstPixel: [5, 5, 5] } },
  { name: '32-bit top-down BMP with alpha becomes PNG', filename: 'alpha.bmp', body: bmp(5, 3, (x, y) => [x * 50, y * 100, 0, 128], { bpp: 32, topDown: true }), expect: { accepted: 'image/png', width: 5, height: 3, firstPixel: [0, 0, 0, 128] } },
  { name: 'RLE8-compressed BMP is refused by name', filename: 'rle.bmp', body: bmp(4, 4, grey, { bpp: 8, compression: 1 }), expect: { refused: '“rle.bmp” is a BMP I cannot read (RLE8-compressed)' } },
  { name: 'truncated BMP', filename: 'cut.bmp', body: bmp(64, 64, grey).subarray(0, 2000), expect: { refused: '“cut.bmp” looks damaged or truncated' } },
  // HEIC: this sharp build reads the header but has no HEVC decoder. Gemini takes HEIC, so a
  // complete container goes through untouched; one that is cut short or only a header does not.
  { name: 'HEIC photo passes through as it is', filename: 'IMG_0001.HEIC', body: heicPhoto, expect: { accepted: 'image/heic', width: 4032, height: 3024, unchanged: true } },
  { name: 'HEIC cut short', filename: 'IMG_0002.HEIC', body: heicPhoto.subarray(0, heicPhoto.length - 40), expect: { refused: '“IMG_0002.HEIC” looks damaged or truncated' } },
  { name: 'a bare ftyp heic header', filename: 'fake.heic', body: heicHeaderOnly(), expect: { refused: '“fake.heic” looks damaged or truncated' } },
  // Size caps: declared, announced by the server, and counted on the stream.
  { name: '30 MB declared by Discord is refused before downloading', filename: 'huge.png', body: thirtyMb, declaredSize: thirtyMb.length, expect: { refused: '“huge.png” is 30 MB; the most I accept is 25 MB' }, neverFetched: true },
  { name: '30 MB announced by Content-Length', filename: 'huge.png', body: thirtyMb, expect: { refused: '“huge.png” is 30 MB; the most I accept is 25 MB' } },
  { name: '30 MB streamed with no length', filename: 'huge.png', route: streamed(30 * MiB), expect: { refused: '“huge.png” is larger than 25 MB' } },
  { name: 'gzip bomb: 300 KB on the wire, 30 MB decoded', filename: 'zip.png', route: gzipBomb(30 * MiB), expect: { refused: '“zip.png” is larger than 25 MB' } },
  // Where bytes may come from.
  { name: 'a host that is not Discord', filename: 'x.png', url: () => 'https://evil.example/x.png', expect: { refused: 'I can only use images uploaded to Discord; “x.png”' } },
  { name: 'https with credentials on an allowed host', filename: 'x.png', url: () => 'https://user:pw@cdn.discordapp.com/x.png', expect: { refused: 'I can only use images uploaded to Discord' } },
  { name: 'plain http to an allowed host with no port', filename: 'x.png', url: () => 'http://cdn.discordapp.com/x.png', expect: { refused: 'I can only use images uploaded to Discord' } },
  { name: 'file: URL', filename: 'passwd', url: () => 'file:///etc/passwd', expect: { refused: 'I can only use images uploaded to Discord' } },
  { name: 'redirect to the cloud metadata address', filename: 'x.png', route: redirect('http://169.254.169.254/latest/meta-data/'), expect: { refused: '“x.png”: its link points somewhere other than Discord' } },
  { name: 'protocol-relative redirect to the metadata address', filename: 'x.png', route: redirect('//169.254.169.254/'), expect: { refused: 'points somewhere other than Discord' } },
  { name: 'redirect to another allowed path is followed', filename: 'moved.png', url: (s) => { s.route('/moved-target', serve(pngBytes)); return s.route('/moved', redirect('/moved-target', 301)); }, expect: { accepted: 'image/png', width: 48, height: 32, unchanged: true } },
  { name: 'redirect loop', filename: 'loop.png', url: (s) => { s.route('/loop-b', redirect('/loop-a')); return s.route('/loop-a', redirect('/loop-b')); }, expect: { refused: '“loop.png” (too many redirects)' } },
  { name: '404', filename: 'gone.png', route: status(404), expect: { refused: '“gone.png” (the server answered 404)' } },
  { name: '304 without a location', filename: 'odd.png', route: status(304), expect: { refused: '(the server answered 304)' } },
  { name: 'connection refused', filename: 'x.png', url: () => 'http://127.0.0.1:1/x.png', policy: { allowedHosts: ['127.0.0.1:1'] }, expect: { refused: 'I could not download “x.png”. Try uploading it again.' } },
  // Deadlines.
  { name: 'slow drip: silence longer than the idle deadline', filename: 'slow.png', route: drip(1_000), policy: { idleTimeoutMs: 150 }, expect: { refused: 'Downloading “slow.png” took too long' }, withinMs: 900 },
  { name: 'steady drip: never idle, but over the total deadline', filename: 'slow.png', route: drip(20), policy: { idleTimeoutMs: 200, totalTimeoutMs: 400 }, expect: { refused: 'took too long' }, withinMs: 1_200 },
  { name: 'a server that never answers', filename: 'hang.png', route: silent(), policy: { idleTimeoutMs: 10_000, totalTimeoutMs: 300 }, expect: { refused: 'Downloading “hang.png” took too long' }, withinMs: 1_100 },
];

describe('hostile inputs, from download to what Gemini gets', () => {
  test.each(cases.map((c, i) => ({ ...c, index: i })))('$name', async (c) => {
    const path = `/case-${c.index}`;
    const url = c.url ? c.url(server) : server.route(path, c.route ?? serve(c.body ?? Buffer.alloc(0)));
    const loader = createLoader({ ...basePolicy, ...c.policy }, { maxSide: 4096 }, spool);
    const started = Date.now();
    const outcome = await loader.load(url, c.filename, c.declaredSize).catch((err: unknown) => err);

    if ('refused' in c.expect) {
      expect(outcome).toBeInstanceOf(UserError);
      expect((outcome as UserError).message).toContain(c.expect.refused);
      // Nothing of a refused download stays on disk.
      expect(spooledFiles()).toEqual([]);
    } else {
      if (outcome instanceof Error) throw outcome;
      const image = outcome as Awaited<ReturnType<typeof loader.load>>;
      expect(image.mimeType).toBe(c.expect.accepted);
      // Sent as uploaded: still the downloaded file. Converted: a file of its own, and the download
      // is gone. Either way it waits for Gemini on disk, never in memory.
      expect(image.data).toBeInstanceOf(SpooledFile);
      const bytes = readFileSync((image.data as SpooledFile).path);
      expect(spooledFiles()).toHaveLength(1);
      const meta = await sharp(bytes).metadata();
      expect([meta.width, meta.height]).toEqual([c.expect.width, c.expect.height]);
      if (c.expect.unchanged) {
        expect(image.data).toBeInstanceOf(SpooledFile);
        expect(bytes.equals(c.body ?? pngBytes)).toBe(true);
      }
      await loader.release([image]);
      expect(spooledFiles()).toEqual([]);
      if (c.expect.firstPixel) {
        const pixel = c.expect.firstPixel;
        const img = sharp(bytes);
        const raw = await (pixel.length === 4 ? img.ensureAlpha() : img.removeAlpha()).raw().toBuffer();
        expect([...raw.subarray(0, pixel.length)]).toEqual(pixel);
      }
    }
    if (c.withinMs) expect(Date.now() - started).toBeLessThan(c.withinMs);
    if (c.neverFetched) expect(server.hits.get(path) ?? 0).toBe(0);
  });

  test('the table covers at least 25 hostile inputs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });
});
