import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startBotProcess } from '../emulators/bot-process.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const newDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'bot-start-'));
  dirs.push(dir);
  return dir;
};

/** Nothing listens on port 1: the bot must stop before it ever tries Discord. */
const env = {
  DISCORD_TOKEN: 'x'.repeat(40),
  GEMINI_API_KEY: 'k'.repeat(20),
  DISCORD_API_URL: 'http://127.0.0.1:1/api',
};

async function startAndExit(extraEnv: Record<string, string>, dataDir: string) {
  const bot = startBotProcess({ ...env, ...extraEnv }, { dataDir });
  const code = await bot.exited();
  return { code, output: bot.output() };
}

describe('start-up errors an operator must fix', () => {
  test('a bot.sqlite3 that is not a database: exit 1, one sentence saying so, no stack trace', async () => {
    const dataDir = newDir();
    writeFileSync(join(dataDir, 'bot.sqlite3'), 'garbage, not a database '.repeat(200));
    const { code, output } = await startAndExit({}, dataDir);
    expect(code).toBe(1);
    expect(output).toContain(
      `${join(dataDir, 'bot.sqlite3')} is not a SQLite database: move it away or point DATA_DIR elsewhere.`,
    );
    expect(output).not.toMatch(/^ {4}at /m);
  });

  // A DATA_DIR that is a file stands in for "not writable": the tests may run as root, and root
  // writes a chmod-ed read-only folder anyway.
  test('a DATA_DIR that is a regular file: exit 1, one sentence saying so, no stack trace', async () => {
    const cwd = newDir();
    const file = join(cwd, 'data');
    writeFileSync(file, 'x');
    const { code, output } = await startAndExit({ DATA_DIR: file }, cwd);
    expect(code).toBe(1);
    expect(output).toContain(`DATA_DIR ${file} is a file, not a folder.`);
    expect(output).not.toMatch(/^ {4}at /m);
  });
});

/** Accepts connections and never answers: a firewall that drops, a proxy that hangs. */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/api`,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a Discord address that accepts connections and never answers', () => {
  test('the bot says within seconds which address it could not reach, and exits 1', async () => {
    const silent = await silentServer();
    try {
      const started = Date.now();
      const bot = startBotProcess({ ...env, DISCORD_API_URL: silent.url }, { dataDir: newDir() });
      expect(await bot.exited()).toBe(1);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(bot.output()).toContain(`Could not reach Discord at ${silent.url} (no answer within 5 s)`);
    } finally {
      await silent.close();
    }
  });

  test('npm run register says the same instead of a minute of silence', async () => {
    const silent = await silentServer();
    try {
      const started = Date.now();
      const child = spawn(process.execPath, [join(process.cwd(), 'dist/src/discord/register.js')], {
        env: { PATH: process.env.PATH, ...env, DISCORD_API_URL: silent.url },
        cwd: newDir(),
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(output).toContain(`Could not reach Discord at ${silent.url}`);
    } finally {
      await silent.close();
    }
  });
});
