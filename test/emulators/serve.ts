import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { clearLine, createInterface, cursorTo } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  MessageFlag,
  startDiscordEmulator,
  type DiscordEmulator,
  type MessageRecord,
  type UploadInput,
} from './discord/index.js';
import { startGeminiEmulator, type Behaviour, type GeminiEmulator } from './gemini/index.js';

/**
 * `npm run emulators`: both emulators on fixed ports with fixed secrets, so the .env lines printed
 * here stay valid between runs, and a console that plays the user alice.
 */

const DEFAULTS = {
  discordPort: 8790,
  geminiPort: 8791,
  token: 'emulator-bot-token-0123456789abcdefghijklmnop',
  key: 'emulator-gemini-key-0123456789',
};
const REPO_ROOT = resolve(import.meta.dirname, '../..');
// Resolved from this file rather than the working directory, so the script runs from anywhere.
const SPEC_PATH = resolve(REPO_ROOT, '../shared/discord-api-spec/openapi.json');
const POLL_MS = 150;
const LIVE_WIDTH = 120;
const SHOW_WIDTH = 80;
// `custom` needs a function, which a JSON line cannot carry.
const JSON_BEHAVIOURS = ['image', 'text', 'blockedOutput', 'blockedPrompt', 'noCandidates', 'error', 'hang'];

const USAGE = `Usage: npm run emulators -- [options]

Starts the Discord emulator (REST, gateway and CDN on one port) and the Gemini emulator on 127.0.0.1,
prints the .env lines that point the bot at them, and reads console commands until Ctrl-C.

Options:
  --discord-port <n>   Discord emulator port (default ${DEFAULTS.discordPort})
  --gemini-port <n>    Gemini emulator port (default ${DEFAULTS.geminiPort})
  --token <token>      bot token the Discord emulator accepts, 30+ characters
                       (default ${DEFAULTS.token})
  --key <key>          API key the Gemini emulator accepts, 10+ characters
                       (default ${DEFAULTS.key})
  --help               print this text and exit

Console commands (you are the user alice, in #general):
  imagine <prompt> [--ar 16:9]             run /imagine
  edit <prompt> <file1> [file2] [file3]    run /edit with local image files
  reply <messageId> <text> [--file <path>] reply to a message, pinging the bot
  say <channelOrThreadId> <text> [--file <path>]
                                           post a message that mentions the bot
  gemini <behaviour-json>                  queue Gemini's next answer (a JSON array queues several),
                                           e.g. gemini {"kind":"blockedOutput","finishReason":"IMAGE_SAFETY"}
                                           kinds: ${JSON_BEHAVIOURS.join(', ')}
  gemini default <behaviour-json>          answer so whenever the queue is empty ({"kind":"image"} restores)
  show [n]                                 list the last n messages (default 15)
  save <messageId> [dir]                   write that message's attachments to dir (default ./emulator-out)
  violations                               OpenAPI violations in the bot's requests to Discord
  help                                     list these commands
  quit                                     stop both emulators and exit

The bot's messages and edits, new threads and Gemini's answers are printed as they happen.`;

interface Options {
  discordPort: number;
  geminiPort: number;
  token: string;
  key: string;
}

function readOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      'discord-port': { type: 'string' },
      'gemini-port': { type: 'string' },
      token: { type: 'string' },
      key: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const port = (raw: string | undefined, fallback: number, flag: string) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 65_535) throw new Error(`${flag} must be a port number`);
    return n;
  };
  const token = values.token ?? DEFAULTS.token;
  const key = values.key ?? DEFAULTS.key;
  // The bot refuses shorter secrets at start-up; better to say so here.
  if (token.length < 30 || /\s/.test(token)) throw new Error('--token must be 30+ characters, no spaces');
  if (key.length < 10 || /\s/.test(key)) throw new Error('--key must be 10+ characters, no spaces');
  return {
    discordPort: port(values['discord-port'], DEFAULTS.discordPort, '--discord-port'),
    geminiPort: port(values['gemini-port'], DEFAULTS.geminiPort, '--gemini-port'),
    token,
    key,
  };
}

// ---- Formatting -------------------------------------------------------------------------------

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
const clock = () => new Date().toTimeString().slice(0, 8);

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function placeOf(discord: DiscordEmulator, channelId: string): string {
  if (channelId === discord.channelId) return '#general';
  return discord.threads.some((t) => t.id === channelId) ? `thread ${channelId}` : `dm ${channelId}`;
}

/** Mentions as `@name` and timestamps as clock times, so lines read as in the Discord client. */
function readableMarkup(discord: DiscordEmulator, content: string): string {
  const names = new Map(Object.values(discord.users).map((u) => [u.id, u.username]));
  names.set(discord.botUserId, 'bot');
  return content
    .replace(/<@!?(\d+)>/g, (mention, id: string) => {
      const name = names.get(id);
      return name ? `@${name}` : mention;
    })
    .replace(/<t:(\d+)(?::\w)?>/g, (_, seconds: string) =>
      new Date(Number(seconds) * 1000).toTimeString().slice(0, 8),
    );
}

function describeBody(discord: DiscordEmulator, m: MessageRecord, width: number): string {
  if (m.deleted) return '(deleted)';
  const parts: string[] = [];
  const text = oneLine(readableMarkup(discord, m.content));
  if (text) parts.push(clip(text, width));
  else if (m.flags & MessageFlag.Loading) parts.push('(thinking…)');
  if (m.embeds.length > 0) parts.push(`[${m.embeds.length} embed${m.embeds.length > 1 ? 's' : ''}]`);
  for (const a of m.attachments) {
    const dims = a.width && a.height ? ` ${a.width}×${a.height}` : '';
    parts.push(`[${a.filename} ${formatSize(a.size)}${dims}]`);
  }
  if (m.ephemeral) parts.push('(ephemeral)');
  return parts.join(' ') || '(empty)';
}

// ---- Live output ------------------------------------------------------------------------------

/** Prints the bot's new messages and edits, new threads and finished Gemini requests; returns a stop function. */
function watch(discord: DiscordEmulator, gemini: GeminiEmulator, print: (line: string) => void): () => void {
  const seenVersion = new Map<string, string>();
  const printedBody = new Map<string, string>();
  const seenThreads = new Set<string>();
  let geminiPrinted = 0;
  const tick = () => {
    // Gemini first: its answer comes before the bot's message about it.
    // Requests finish in order of arrival closely enough for a console; a hang holds the rest back.
    while (geminiPrinted < gemini.requests.length) {
      const r = gemini.requests[geminiPrinted];
      if (!r || (r.status === 0 && !r.aborted)) break;
      geminiPrinted++;
      const prompt = clip(oneLine(r.texts.join(' ')), 60);
      const images = r.images.length > 0 ? ` +${r.images.length} image${r.images.length > 1 ? 's' : ''}` : '';
      const history = r.history.length > 0 ? `, ${r.history.length} earlier turns` : '';
      const answer = r.aborted ? 'aborted by the bot' : `${r.status} ${r.behaviour ?? 'invalid request'}`;
      print(`[${clock()}] gemini #${r.seq} ${r.model} “${prompt}”${images}${history} → ${answer}`);
    }
    for (const t of discord.threads) {
      if (seenThreads.has(t.id)) continue;
      seenThreads.add(t.id);
      print(`[${clock()}] thread + ${t.id} “${t.name}” in ${placeOf(discord, t.parentId)}`);
    }
    for (const m of discord.messages) {
      if (!m.author.bot) continue;
      const version = `${m.editCount}:${m.deleted}:${m.flags}`;
      if (seenVersion.get(m.id) === version) continue;
      seenVersion.set(m.id, version);
      const body = describeBody(discord, m, LIVE_WIDTH);
      const before = printedBody.get(m.id);
      // Progress edits often rewrite the same words; only a visible change is worth a line.
      if (before === body) continue;
      printedBody.set(m.id, body);
      const mark = before === undefined ? '+' : m.deleted ? '-' : '~';
      print(`[${clock()}] bot ${mark} ${m.id} ${placeOf(discord, m.channelId)}: ${body}`);
    }
  };
  const timer = setInterval(tick, POLL_MS);
  return () => clearInterval(timer);
}

// ---- Commands ---------------------------------------------------------------------------------

interface Session {
  discord: DiscordEmulator;
  gemini: GeminiEmulator;
  print: (line: string) => void;
  quit: () => Promise<void>;
  isStopping: () => boolean;
}

const expandHome = (path: string) => (path.startsWith('~/') ? join(homedir(), path.slice(2)) : path);
const unquote = (text: string) => text.replace(/^(["'])(.*)\1$/s, '$2');
const isFile = (path: string) => existsSync(expandHome(path)) && statSync(expandHome(path)).isFile();

async function upload(path: string): Promise<UploadInput> {
  const full = resolve(expandHome(path));
  return { filename: basename(full), data: await readFile(full) };
}

/** Splits `text --file a.png --file "b c.png"` into the text and the uploads. */
async function takeFiles(rest: string): Promise<{ text: string; files: UploadInput[] }> {
  const paths: string[] = [];
  const text = rest.replace(/(?:^|\s)--file(?:=|\s+)("[^"]*"|'[^']*'|\S+)/g, (_, p: string) => {
    paths.push(unquote(p));
    return '';
  });
  return { text: text.trim(), files: await Promise.all(paths.map(upload)) };
}

/** Tokens with their start offsets, honouring quotes, so trailing file paths can be told from the prompt. */
function tokens(text: string): { value: string; start: number }[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => ({
    value: m[1] ?? m[2] ?? m[3] ?? '',
    start: m.index,
  }));
}

function splitIdAndRest(rest: string, usage: string): [string, string] {
  const match = /^(\S+)\s+([\s\S]+)$/.exec(rest.trim());
  if (!match?.[1] || !match[2]) throw new Error(`usage: ${usage}`);
  return [match[1], match[2]];
}

function findMessage(discord: DiscordEmulator, id: string): MessageRecord {
  const message = discord.messages.find((m) => m.id === id);
  if (!message) throw new Error(`no message ${id} (try show)`);
  return message;
}

function followInteraction(s: Session, handle: Awaited<ReturnType<DiscordEmulator['dispatchCommand']>>) {
  s.print(`→ sent as alice (interaction ${handle.id})`);
  handle.waitForCallback(3500).catch(() => {
    if (!s.isStopping()) s.print(`! the bot did not answer interaction ${handle.id} within 3 s`);
  });
}

function parseBehaviours(json: string): Behaviour[] {
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

const COMMANDS: Record<string, (s: Session, rest: string) => Promise<void> | void> = {
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
function hintFor(message: string): string {
  if (/no gateway session/.test(message)) return ' (is the bot running? start it with the .env lines above)';
  if (/is not registered/.test(message)) return ' (run npm run register with the .env lines above)';
  return '';
}

// ---- Main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  let options: Options | 'help';
  try {
    options = readOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }

  const discord = await startDiscordEmulator({
    botToken: options.token,
    port: options.discordPort,
    specPath: SPEC_PATH,
  }).catch((err: unknown) => {
    throw new Error(`Discord emulator on port ${options.discordPort}: ${String(err)} (try --discord-port)`, {
      cause: err,
    });
  });
  let gemini: GeminiEmulator;
  try {
    gemini = await startGeminiEmulator({ apiKey: options.key, port: options.geminiPort });
  } catch (err) {
    await discord.stop();
    throw new Error(`Gemini emulator on port ${options.geminiPort}: ${String(err)} (try --gemini-port)`, {
      cause: err,
    });
  }

  const env = {
    DISCORD_TOKEN: options.token,
    GEMINI_API_KEY: options.key,
    DISCORD_API_URL: discord.apiUrl,
    GEMINI_BASE_URL: gemini.baseUrl,
    ATTACHMENT_HOSTS: discord.cdnHost,
    DISCORD_GUILD_ID: discord.guildId,
  };
  console.log(`Discord emulator  ${discord.url}  (guild ${discord.guildId}, #general ${discord.channelId})
Gemini emulator   ${gemini.baseUrl}

Put these lines in .env, then run: npm run register && npm start
${Object.entries(env)
  .map(([k, v]) => `${k}=${v}`)
  .join('\n')}
# USER_RPM=30  (optional: by default a user may ask for 3 pictures a minute)

Everything lives in memory: run npm run register again after restarting the emulators.
Type help for the console commands; Ctrl-C stops.
`);

  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
  rl.setPrompt('> ');
  // Output that arrives while someone types goes above their line, which is then redrawn.
  const print = (line: string) => {
    if (!interactive) {
      console.log(line);
      return;
    }
    clearLine(process.stdout, 0);
    cursorTo(process.stdout, 0);
    console.log(line);
    rl.prompt(true);
  };

  let stopping = false;
  const stopWatching = watch(discord, gemini, print);
  const quit = async () => {
    if (stopping) return;
    stopping = true;
    stopWatching();
    rl.close();
    console.log('stopping the emulators…');
    await Promise.allSettled([discord.stop(), gemini.stop()]);
    process.exit(0);
  };
  const session: Session = { discord, gemini, print, quit, isStopping: () => stopping };

  // One command at a time, in the order typed, even when lines are pasted or piped in together.
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    queue = queue.then(async () => {
      const [, name = '', rest = ''] = /^\s*(\S*)\s*([\s\S]*)$/.exec(line) ?? [];
      if (!name || stopping) return;
      const command = COMMANDS[name.toLowerCase()];
      try {
        if (!command) throw new Error(`unknown command “${name}”; type help`);
        await command(session, rest.trim());
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        print(`error: ${message}${hintFor(message)}`);
      }
      if (interactive && !stopping) rl.prompt();
    });
  });
  rl.on('close', () => {
    // Ctrl-D at a terminal means "done"; a piped input that ends leaves the emulators serving.
    if (interactive) void quit();
    else if (!stopping) console.log('(console input ended; the emulators keep running until Ctrl-C)');
  });
  // At a terminal readline swallows Ctrl-C as input; outside one it arrives as a signal.
  rl.on('SIGINT', () => void quit());
  process.on('SIGINT', () => void quit());
  process.on('SIGTERM', () => void quit());
  if (interactive) rl.prompt();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
