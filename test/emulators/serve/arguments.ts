import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { DiscordEmulator, MessageRecord, UploadInput } from '../../../src/playground/discord/index.js';
import type { Behaviour } from '../../../src/playground/gemini/index.js';
import { JSON_BEHAVIOURS } from './options.js';

/** Reading the words typed after a console command: quotes, `~/` paths, uploads, ids and behaviours. */

export const expandHome = (path: string) => (path.startsWith('~/') ? join(homedir(), path.slice(2)) : path);
export const unquote = (text: string) => text.replace(/^(["'])(.*)\1$/s, '$2');
export const isFile = (path: string) => existsSync(expandHome(path)) && statSync(expandHome(path)).isFile();

export async function upload(path: string): Promise<UploadInput> {
  const full = resolve(expandHome(path));
  return { filename: basename(full), data: await readFile(full) };
}

/** Splits `text --file a.png --file "b c.png"` into the text and the uploads. */
export async function takeFiles(rest: string): Promise<{ text: string; files: UploadInput[] }> {
  const paths: string[] = [];
  const text = rest.replace(/(?:^|\s)--file(?:=|\s+)("[^"]*"|'[^']*'|\S+)/g, (_, p: string) => {
    paths.push(unquote(p));
    return '';
  });
  return { text: text.trim(), files: await Promise.all(paths.map(upload)) };
}

/** Tokens with their start offsets, honouring quotes, so trailing file paths can be told from the prompt. */
export function tokens(text: string): { value: string; start: number }[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => ({
    value: m[1] ?? m[2] ?? m[3] ?? '',
    start: m.index,
  }));
}

export function splitIdAndRest(rest: string, usage: string): [string, string] {
  const match = /^(\S+)\s+([\s\S]+)$/.exec(rest.trim());
  if (!match?.[1] || !match[2]) throw new Error(`usage: ${usage}`);
  return [match[1], match[2]];
}

export function findMessage(discord: DiscordEmulator, id: string): MessageRecord {
  const message = discord.messages.find((m) => m.id === id);
  if (!message) throw new Error(`no message ${id} (try show)`);
  return message;
}

export function parseBehaviours(json: string): Behaviour[] {
  const parsed: unknown = JSON.parse(json);
  const list = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  for (const b of list) {
    const kind = typeof b === 'object' && b !== null ? (b as { kind?: unknown }).kind : undefined;
    if (typeof kind !== 'string' || !JSON_BEHAVIOURS.includes(kind)) {
      throw new Error(`each behaviour needs "kind": one of ${JSON_BEHAVIOURS.join(', ')}`);
    }
  }
  return list as Behaviour[];
}
