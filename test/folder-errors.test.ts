import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { OperatorError } from '../src/errors.js';
import { explainFolderError } from '../src/folder-errors.js';
import { Spool } from '../src/images/spool.js';

const base = mkdtempSync(join(tmpdir(), 'folder-errors-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('explaining a data folder the bot cannot use', () => {
  test.each([
    ['EEXIST', /^DATA_DIR \/d is a file, not a folder\. Move the file away/],
    ['ENOTDIR', /^DATA_DIR \/d cannot be a folder: part of its path is a file/],
    ['EACCES', /^DATA_DIR \/d is not writable by this user \(uid \d+\)\. Give the folder to this user/],
    ['EPERM', /is not writable by this user/],
    ['EROFS', /is on a read-only file system\. Point DATA_DIR at a writable disk/],
    ['ENOSPC', /is on a full disk/],
  ])('%s says what is wrong and what to do', (code, message) => {
    expect(explainFolderError(Object.assign(new Error(code), { code }), 'DATA_DIR /d')).toMatch(message);
  });

  test.each([['EMFILE'], ['ENOENT'], [undefined]])('%s is not the folder’s fault: no explanation', (code) => {
    expect(explainFolderError(Object.assign(new Error('x'), { code }), 'DATA_DIR /d')).toBeUndefined();
    expect(explainFolderError(null, 'DATA_DIR /d')).toBeUndefined();
  });

  // A file in the way, not chmod: the tests may run as root, who can write a read-only folder.
  test('a spool folder that cannot be made is an operator error naming it, not a stack trace', () => {
    const spoolBase = join(base, 'spool');
    writeFileSync(spoolBase, 'not a folder');
    expect(() => Spool.open(spoolBase)).toThrow(OperatorError);
    expect(() => Spool.open(spoolBase)).toThrow(
      `The folder for input images ${spoolBase} (DATA_DIR/spool) is a file, not a folder.`,
    );
  });
});
