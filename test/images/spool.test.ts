import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import { createLoader } from '../../src/images/load.js';
import { Spool } from '../../src/images/spool.js';
import { serve, startFixtureServer } from './fixture-server.js';
import { png } from '../support/images.js';

const server = await startFixtureServer();
const bases: string[] = [];
const newBase = () => {
  const base = mkdtempSync(join(tmpdir(), 'spool-'));
  bases.push(base);
  return base;
};
afterAll(() => {
  for (const base of bases) rmSync(base, { recursive: true, force: true });
  return server.close();
});

/** A pid that certainly belongs to no running process: one that has just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

describe('Spool', () => {
  test('each process gets its own folder; folders of processes that are gone are removed at open', () => {
    const base = newBase();
    const dead = join(base, `${deadPid()}-0badf00d`);
    // In a container the bot is always pid 1: a folder with our pid that is not ours is a dead run's.
    const earlierSelf = join(base, `${process.pid}-deadbeef`);
    const alive = join(base, `${process.ppid}-cafe0001`);
    const other = join(base, 'not-a-spool-folder');
    for (const dir of [dead, earlierSelf, alive, other]) {
      mkdirSync(dir);
      writeFileSync(join(dir, 'leftover'), 'x');
    }

    const spool = Spool.open(base);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(earlierSelf)).toBe(false);
    expect(existsSync(alive)).toBe(true);
    expect(existsSync(other)).toBe(true);
    expect(basename(spool.dir)).toMatch(new RegExp(`^${process.pid}-[0-9a-f]{8}$`));
    expect(spool.newPath()).not.toBe(spool.newPath());

    spool.close();
    expect(existsSync(spool.dir)).toBe(false);
  });

  test('a removed spool folder is made again; one that cannot be written is our fault, not the sender’s', async () => {
    const spool = Spool.open(newBase());
    const url = server.route('/ok.png', serve(await png(8, 8)));
    const loader = createLoader(
      { allowedHosts: [server.hostPort], maxBytes: 1 << 20, idleTimeoutMs: 2000, totalTimeoutMs: 5000 },
      { maxSide: 4096 },
      spool,
    );
    // Something removed the folder: it is made again.
    rmSync(spool.dir, { recursive: true });
    await loader.release([await loader.load(url, 'ok.png', undefined)]);
    expect(readdirSync(spool.dir)).toEqual([]);

    // Something the bot cannot write to stands in its place.
    rmSync(spool.dir, { recursive: true });
    writeFileSync(spool.dir, 'not a folder');
    const err = await loader.load(url, 'ok.png', undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(UserError);
    expect((err as NodeJS.ErrnoException).code).toMatch(/^E(EXIST|NOTDIR)$/);

    rmSync(spool.dir);
    const image = await loader.load(url, 'ok.png', undefined);
    expect(readdirSync(spool.dir)).toHaveLength(1);
    await loader.release([image]);
    expect(readdirSync(spool.dir)).toEqual([]);
    spool.close();
  });
});
