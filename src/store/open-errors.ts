import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { explainFolderError } from '../folder-errors.js';
import { OperatorError } from '../errors.js';

export type StoreOpenProblem =
  | 'data-folder'
  | 'not-a-database'
  | 'damaged'
  | 'cannot-open'
  | 'read-only'
  | 'disk-full'
  | 'locked'
  | 'newer-schema'
  /** DATABASE_URL names a database that does not answer or refuses the login. */
  | 'unreachable';

/** The database cannot be opened for a reason the operator fixes; the message says how. */
export class StoreOpenError extends OperatorError {
  constructor(
    readonly problem: StoreOpenProblem,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StoreOpenError';
  }

  static newerSchema(file: string, found: number, known: number): StoreOpenError {
    return new StoreOpenError(
      'newer-schema',
      `${file} was written by a newer version of the bot (database schema ${found}; this version knows up to ${known}), and this version will not open it, so as not to damage it. Run the newer version again, or point DATA_DIR at a copy made before the upgrade.`,
    );
  }
}

/**
 * Turns what SQLite or the file system threw while opening `file` into a StoreOpenError, or
 * returns undefined when the error is not one an operator can fix (a bug: it keeps its stack).
 */
export function classifyStoreOpenError(err: unknown, file: string): StoreOpenError | undefined {
  const dir = dirname(file);
  const raw = (err as { code?: unknown } | null)?.code;
  const code = typeof raw === 'string' ? raw : '';
  const make = (problem: StoreOpenProblem, message: string) =>
    new StoreOpenError(problem, message, { cause: err });
  const folderProblem = explainFolderError(err, `DATA_DIR ${dir}`);
  if (folderProblem) return make('data-folder', folderProblem);
  if (code === 'SQLITE_NOTADB') {
    return make(
      'not-a-database',
      `${file} is not a SQLite database: move it away or point DATA_DIR elsewhere.`,
    );
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return make(
      'damaged',
      `${file} is damaged (SQLite: ${(err as Error).message}). Restore it from a backup, or move it away to start with an empty database.`,
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM') {
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
      return make(
        'cannot-open',
        `${file} is a folder, not a database file: move it away or point DATA_DIR elsewhere.`,
      );
    }
    if (!writable(dir)) {
      return make(
        'read-only',
        `DATA_DIR ${dir} is not writable by this user (uid ${process.getuid?.() ?? '?'}); SQLite needs to write bot.sqlite3 and its -wal and -shm files there. Give the folder to this user (chown or chmod) or point DATA_DIR elsewhere.`,
      );
    }
    return make(
      code.startsWith('SQLITE_CANTOPEN') ? 'cannot-open' : 'read-only',
      `${file} cannot be opened for writing (SQLite: ${(err as Error).message}). Check that this user (uid ${process.getuid?.() ?? '?'}) can write it and its -wal and -shm files, or point DATA_DIR elsewhere.`,
    );
  }
  if (code === 'SQLITE_FULL') {
    return make(
      'disk-full',
      `${file} cannot grow: the disk is full. Free some space, or point DATA_DIR at another disk.`,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return make(
      'locked',
      `${file} stayed locked by another process. Stop whatever else holds it (another bot process stuck starting, a backup tool) and start again.`,
    );
  }
  return undefined;
}

/**
 * SQLite opens a file it may not write read-only without a word, and the bot would fail later, at
 * its first saved picture; so say it at start-up instead.
 */
export function refuseReadOnlyFile(file: string): void {
  if (statSync(file, { throwIfNoEntry: false })?.isFile() && !writable(file)) {
    throw new StoreOpenError(
      'read-only',
      `${file} is read-only for this user (uid ${process.getuid?.() ?? '?'}). Give the file to this user (chown or chmod u+w) or point DATA_DIR elsewhere.`,
    );
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
