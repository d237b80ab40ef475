import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileBytes, ImageInput } from '../core/images.js';
import { OperatorError } from '../errors.js';
import { explainFolderError } from '../folder-errors.js';

/**
 * An input image's bytes on disk for as long as its job runs. Three 8 MB inputs held in memory
 * by each running job (and, once dropped, held again as garbage until the next full collection)
 * were most of what the bot's memory grew by under load; on disk they cost no memory at all and
 * are streamed to Gemini slice by slice.
 */
export class SpooledFile implements FileBytes {
  constructor(
    readonly path: string,
    readonly size: number,
  ) {}

  /** The first bytes, where every format says what it is. */
  async head(bytes: number): Promise<Buffer> {
    const handle = await open(this.path, 'r');
    try {
      const buf = Buffer.alloc(Math.min(bytes, this.size));
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  /** The whole file, for the rare formats our own readers parse (BMP, an undecodable HEIC). */
  readAll(): Promise<Buffer> {
    return readFile(this.path);
  }

  discard(): Promise<void> {
    return rm(this.path, { force: true });
  }
}

/** Deletes the files behind images a job no longer needs; in-memory images need nothing. */
export async function discardImages(images: readonly ImageInput[]): Promise<void> {
  await Promise.all(
    images.map((image) => (image.data instanceof SpooledFile ? image.data.discard() : Promise.resolve())),
  );
}

/**
 * This process's folder for input images: `<base>/<pid>-<random>`, so processes sharing a data
 * folder never touch each other's files. Folders left by processes that are gone (a crash, a
 * kill -9) are removed when the next one opens.
 */
export class Spool {
  private constructor(readonly dir: string) {}

  /** Throws an OperatorError, saying what to fix, when the folder cannot be made or written. */
  static open(base: string): Spool {
    try {
      mkdirSync(base, { recursive: true });
      removeAbandoned(base);
      const dir = join(base, `${process.pid}-${randomBytes(4).toString('hex')}`);
      mkdirSync(dir, { mode: 0o700 });
      return new Spool(dir);
    } catch (err) {
      const problem = explainFolderError(err, `The folder for input images ${base} (DATA_DIR/spool)`);
      throw problem ? new OperatorError(problem, { cause: err }) : err;
    }
  }

  /**
   * A fresh path for one file; nothing is created until it is written. The folder is made again
   * if something removed it (a temp-folder cleaner, an operator), instead of failing every job.
   */
  newPath(): string {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    return join(this.dir, randomBytes(8).toString('hex'));
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const FOLDER = /^(\d+)-[0-9a-f]+$/;

function removeAbandoned(base: string): void {
  for (const name of readdirSync(base)) {
    const pid = Number(FOLDER.exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(pid)) continue;
    // Our own pid on a folder that is not ours: an earlier process (in a container, always pid 1).
    if (pid === process.pid || !isRunning(pid)) rmSync(join(base, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
