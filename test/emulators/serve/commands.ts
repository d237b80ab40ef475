import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { DiscordEmulator } from '../../../src/playground/discord/index.js';
import type { GeminiEmulator } from '../../../src/playground/gemini/index.js';
import {
  expandHome,
  findMessage,
  isFile,
  parseBehaviours,
  splitIdAndRest,
  takeFiles,
  tokens,
  unquote,
  upload,
} from './arguments.js';
import { describeBody, formatSize, placeOf, SHOW_WIDTH } from './format.js';
import { USAGE } from './options.js';

/** What a console command may use: the emulators, the console's output and the way out. */
export interface Session {
  discord: DiscordEmulator;
  gemini: GeminiEmulator;
  print: (line: string) => void;
  quit: () => Promise<void>;
  isStopping: () => boolean;
}

function followInteraction(s: Session, handle: Awaited<ReturnType<DiscordEmulator['dispatchCommand']>>) {
  s.print(`→ sent as alice (interaction ${handle.id})`);
  handle.waitForCallback(3500).catch(() => {
    if (!s.isStopping()) s.print(`! the bot did not answer interaction ${handle.id} within 3 s`);
  });
}

export const COMMANDS: Record<string, (s: Session, rest: string) => Promise<void> | void> = {
  async imagine(s, rest) {
    let aspectRatio: string | undefined;
    const prompt = rest
      .replace(/(?:^|\s)--ar(?:=|\s+)(\S+)/, (_, ratio: string) => {
        aspectRatio = ratio;
        return '';
      })
      .trim();
    if (!prompt) throw new Error('usage: imagine <prompt> [--ar 16:9]');
    const options: Record<string, string> = aspectRatio ? { prompt, aspect_ratio: aspectRatio } : { prompt };
    followInteraction(s, await s.discord.dispatchCommand('imagine', options));
  },
  async edit(s, rest) {
    const parts = tokens(rest);
    let first = parts.length;
    while (first > 1 && parts.length - first < 3 && isFile(parts[first - 1]!.value)) first--;
    const files = parts.slice(first).map((p) => p.value);
    const prompt = unquote(rest.slice(0, parts[first]?.start ?? rest.length).trim());
    if (files.length === 0 || !prompt) {
      const last = parts.at(-1)?.value;
      const why = last && !isFile(last) ? `no file “${last}”; ` : '';
      throw new Error(`${why}usage: edit <prompt> <file1> [file2] [file3]`);
    }
    const uploads = await Promise.all(files.map(upload));
    const names = ['image', 'image2', 'image3'];
    const options = Object.fromEntries(uploads.map((u, i) => [names[i]!, u]));
    followInteraction(s, await s.discord.dispatchCommand('edit', { prompt, ...options }));
  },
  async reply(s, rest) {
    const [id, body] = splitIdAndRest(rest, 'reply <messageId> <text> [--file <path>]');
    const target = findMessage(s.discord, id);
    const { text, files } = await takeFiles(body);
    const sent = await s.discord.dispatchMessage({
      content: text,
      channelId: target.channelId,
      replyTo: id,
      // Replying to someone else's message pings them, not the bot, so name the bot too.
      mentionBot: !target.author.bot,
      attachments: files,
    });
    s.print(`→ message ${sent.id} in ${placeOf(s.discord, sent.channelId)}, replying to ${id}`);
  },
  async say(s, rest) {
    const [channelId, body] = splitIdAndRest(rest, 'say <channelOrThreadId> <text> [--file <path>]');
    const { text, files } = await takeFiles(body);
    const sent = await s.discord.dispatchMessage({
      content: text,
      channelId,
      mentionBot: true,
      attachments: files,
    });
    s.print(`→ message ${sent.id} in ${placeOf(s.discord, sent.channelId)}`);
  },
  gemini(s, rest) {
    const asDefault = /^default\s/.exec(rest);
    const behaviours = parseBehaviours(asDefault ? rest.slice(asDefault[0].length) : rest);
    if (asDefault) {
      if (behaviours.length !== 1) throw new Error('gemini default takes one behaviour');
      s.gemini.setDefault(behaviours[0]!);
      s.print(`Gemini now answers ${JSON.stringify(behaviours[0])} whenever nothing is queued`);
      return;
    }
    s.gemini.enqueue(...behaviours);
    s.print(`queued for Gemini: ${behaviours.map((b) => JSON.stringify(b)).join(', ')}`);
  },
  show(s, rest) {
    const count = rest.trim() ? Number(rest.trim()) : 15;
    if (!Number.isInteger(count) || count < 1) throw new Error('usage: show [n]');
    const recent = s.discord.messages.slice(-count);
    if (recent.length === 0) s.print('no messages yet');
    for (const m of recent) {
      const reply = m.messageReference ? ` ↩${m.messageReference.messageId}` : '';
      const place = placeOf(s.discord, m.channelId).padEnd(27);
      s.print(
        `${m.id}  ${place} ${m.author.username.padEnd(10)} ${describeBody(s.discord, m, SHOW_WIDTH)}${reply}`,
      );
    }
  },
  async save(s, rest) {
    const [id, dirArg] = tokens(rest).map((t) => t.value);
    if (!id) throw new Error('usage: save <messageId> [dir]');
    const message = findMessage(s.discord, id);
    if (message.attachments.length === 0) throw new Error(`message ${id} has no attachments`);
    const dir = resolve(expandHome(dirArg ?? 'emulator-out'));
    await mkdir(dir, { recursive: true });
    for (const a of message.attachments) {
      const path = join(dir, `${id}-${basename(a.filename)}`);
      const data = s.discord.fetchAttachment(a.url);
      await writeFile(path, data);
      s.print(`saved ${path} (${formatSize(data.length)})`);
    }
  },
  violations(s) {
    const list = s.discord.violations;
    if (list.length === 0) s.print('no OpenAPI violations so far');
    for (const v of list) s.print(`${v.method} ${v.route ?? v.path}: ${v.errors.join('; ')}`);
  },
  help(s) {
    s.print(USAGE.slice(USAGE.indexOf('Console commands')));
  },
  quit: (s) => s.quit(),
  exit: (s) => s.quit(),
};

/** What the emulator's errors mean for someone at the console. */
export function hintFor(message: string): string {
  if (/no gateway session/.test(message)) return ' (is the bot running? start it with the .env lines above)';
  if (/is not registered/.test(message)) return ' (run npm run register with the .env lines above)';
  return '';
}
