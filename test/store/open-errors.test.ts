import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { OperatorError } from '../../src/errors.js';
import {
  classifyStoreOpenError,
  StoreOpenError,
  type StoreOpenProblem,
} from '../../src/store/open-errors.js';
import { openStore } from '../../src/store/store.js';

const dirs: string[] = [];
const newDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-open-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const openError = (dataDir: string): StoreOpenError => {
  try {
    void openStore(dataDir).close();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreOpenError);
    expect(err).toBeInstanceOf(OperatorError);
    return err as StoreOpenError;
  }
  throw new Error(`openStore(${dataDir}) opened`);
};

const errno = (code: string, path = '/srv/bot') =>
  Object.assign(new Error(`${code}: something`), { code, path });

describe('classifying why the store cannot open', () => {
  test.each<[string, Error, StoreOpenProblem, RegExp]>([
    [
      'a file that is not a database',
      errno('SQLITE_NOTADB'),
      'not-a-database',
      /is not a SQLite database: move it away or point DATA_DIR elsewhere/,
    ],
    ['a damaged database', errno('SQLITE_CORRUPT'), 'damaged', /is damaged .* Restore it from a backup/],
    ['a full disk', errno('SQLITE_FULL'), 'disk-full', /the disk is full/],
    ['a lock held too long', errno('SQLITE_BUSY'), 'locked', /locked by another process/],
    ['DATA_DIR is a file', errno('EEXIST'), 'data-folder', /DATA_DIR \/srv is a file, not a folder/],
    ['DATA_DIR is under a file', errno('ENOTDIR'), 'data-folder', /part of its path is a file/],
    [
      'DATA_DIR denied',
      errno('EACCES'),
      'data-folder',
      /DATA_DIR \/srv is not writable by this user \(uid \d+\)/,
    ],
    ['DATA_DIR on a read-only disk', errno('EROFS'), 'data-folder', /read-only file system/],
  ])('%s: %s', (_, err, problem, message) => {
    const classified = classifyStoreOpenError(err, '/srv/bot.sqlite3');
    expect(classified?.problem).toBe(problem);
    expect(classified?.message).toMatch(message);
    expect(classified?.cause).toBe(err);
  });

  test.each([
    ['an SQL mistake in the code', errno('SQLITE_ERROR')],
    ['an error with no code', new Error('boom')],
    ['something that is not an error', 'boom'],
  ])('%s is a bug, not the operator’s to fix: it is not classified', (_, err) => {
    expect(classifyStoreOpenError(err, '/srv/bot.sqlite3')).toBeUndefined();
  });
});

describe('opening the store on a DATA_DIR an operator must fix', () => {
  test('a bot.sqlite3 that is not a database is named, with what to do', async () => {
    const dir = newDir();
    writeFileSync(
      join(dir, 'bot.sqlite3'),
      'this is not a database, just some text that happens to be here\n'.repeat(100),
    );
    const err = openError(dir);
    expect(err.problem).toBe('not-a-database');
    expect(err.message).toBe(
      `${join(dir, 'bot.sqlite3')} is not a SQLite database: move it away or point DATA_DIR elsewhere.`,
    );
  });

  test('a database whose pages are garbled is called damaged', async () => {
    const dir = newDir();
    const file = join(dir, 'bot.sqlite3');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    db.close();
    const bytes = readFileSync(file);
    bytes.fill(0x41, 100, 4096); // keeps the header, garbles the schema page
    writeFileSync(file, bytes);
    expect(openError(dir).problem).toBe('damaged');
  });

  // Not writable is tested with files in the way rather than chmod: the tests may run as root,
  // and a chmod-ed read-only folder is still writable by root.
  test('a DATA_DIR that is a regular file', async () => {
    const file = join(newDir(), 'data');
    writeFileSync(file, 'x');
    const err = openError(file);
    expect(err.problem).toBe('data-folder');
    expect(err.message).toBe(
      `DATA_DIR ${file} is a file, not a folder. Move the file away or point DATA_DIR at a folder.`,
    );
  });

  test('a DATA_DIR under a regular file', async () => {
    const file = join(newDir(), 'data');
    writeFileSync(file, 'x');
    const err = openError(join(file, 'bot'));
    expect(err.problem).toBe('data-folder');
    expect(err.message).toMatch(/cannot be a folder: part of its path is a file/);
  });

  test('a bot.sqlite3 that is a folder', async () => {
    const dir = newDir();
    mkdirSync(join(dir, 'bot.sqlite3'));
    const err = openError(dir);
    expect(err.problem).toBe('cannot-open');
    expect(err.message).toMatch(/bot\.sqlite3 is a folder, not a database file/);
  });

  test.skipIf(process.getuid?.() === 0)('a DATA_DIR this user cannot write (not testable as root)', () => {
    const dir = newDir();
    chmodSync(dir, 0o500);
    try {
      const err = openError(dir);
      expect(err.problem).toBe('read-only');
      expect(err.message).toMatch(/is not writable by this user/);
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  test.skipIf(process.getuid?.() === 0)('a bot.sqlite3 this user cannot write (not testable as root)', () => {
    const dir = newDir();
    void openStore(dir).close();
    chmodSync(join(dir, 'bot.sqlite3'), 0o400);
    const err = openError(dir);
    expect(err.problem).toBe('read-only');
    expect(err.message).toMatch(/bot\.sqlite3 is read-only for this user/);
  });
});
