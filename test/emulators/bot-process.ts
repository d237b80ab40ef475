import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { LogEventName } from '../../src/log-events.js';

/** The compiled entry point, exactly what the Procfile runs. */
export const BOT_ENTRY = resolve(import.meta.dirname, '../../dist/src/index.js');

/** An environment value that removes the variable instead (env values cannot hold NUL). */
export const UNSET = '\u0000unset';

/**
 * The variables the Procfile's worker line sets before `node dist/src/index.js`, so the tests and
 * the benchmark run the bot exactly as a deployment does. A worker line of any other shape fails
 * here, loudly, rather than being run differently from production.
 */
export function procfileEnv(): Record<string, string> {
  const procfile = readFileSync(resolve(import.meta.dirname, '../../Procfile'), 'utf8');
  const line = procfile.split('\n').find((l) => l.startsWith('worker:'));
  const words = line?.slice('worker:'.length).trim().split(/\s+/) ?? [];
  const env: Record<string, string> = {};
  while (words.length > 0 && /^[A-Z_][A-Z0-9_]*=\S*$/.test(words[0]!)) {
    const word = words.shift()!;
    const at = word.indexOf('=');
    env[word.slice(0, at)] = word.slice(at + 1);
  }
  if (words.join(' ') !== 'node dist/src/index.js') {
    throw new Error(`Procfile: expected "worker: [NAME=value ...] node dist/src/index.js", got "${line}"`);
  }
  return env;
}

/** An environment for a child process: only what is given, without the UNSET entries. */
export function childEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== UNSET));
}

export interface LogLine {
  level: number;
  msg: string;
  /** Set on milestone lines (src/log-events.ts): match on it, not on msg, which may be reworded. */
  event?: LogEventName;
  [key: string]: unknown;
}

export interface BotProcess {
  readonly child: ChildProcess;
  readonly dataDir: string;
  /** Everything the process wrote, stdout and stderr, as text. */
  output(): string;
  logs(): LogLine[];
  waitForLog(pred: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Sends a signal and resolves with the exit code (null if killed by a signal). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  exited(): Promise<number | null>;
}

/**
 * Starts the bot as production does (the Procfile's command, configured by environment only) and
 * collects its JSON log lines. dataDir defaults to a fresh temporary folder.
 */
export function startBotProcess(env: Record<string, string>, opts: { dataDir?: string } = {}): BotProcess {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'bot-data-'));
  const child = spawn(process.execPath, [BOT_ENTRY], {
    // Only what we pass: the developer's own .env must not leak in (dotenv does not override set keys).
    env: childEnv({
      PATH: process.env.PATH ?? '',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'debug',
      ...procfileEnv(),
      ...env,
    }),
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  const onData = (chunk: Buffer) => {
    const s = chunk.toString('utf8');
    text += s;
    partial += s;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const raw of parts) {
      try {
        lines.push(JSON.parse(raw) as LogLine);
      } catch {
        // Not a log line (a plain start-up error); it is in output() all the same.
      }
    }
    waiters.forEach((w) => w());
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exit = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));

  return {
    child,
    dataDir,
    output: () => text,
    logs: () => lines,
    waitForLog(pred, timeoutMs = 15_000) {
      return new Promise((res, rej) => {
        const check = () => {
          const hit = lines.find(pred);
          if (hit) {
            cleanup();
            res(hit);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          rej(new Error(`no matching log line within ${timeoutMs} ms; output so far:\n${text.slice(-3000)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exit.then(() => check());
        check();
      });
    },
    async stop(signal = 'SIGTERM', timeoutMs = 35_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
    exited: () => exit,
  };
}

/** Files in a bot's spool of input images (`<DATA_DIR>/spool/<pid>-<random>/`), and its folders. */
export function spoolContents(dataDir: string): { folders: string[]; files: string[] } {
  const base = join(dataDir, 'spool');
  if (!existsSync(base)) return { folders: [], files: [] };
  const folders = readdirSync(base);
  return { folders, files: folders.flatMap((f) => readdirSync(join(base, f)).map((n) => join(f, n))) };
}
