import type { ServerResponse } from 'node:http';
import type { DiscordEmulator } from '../discord/index.js';
import { messageVersion, messageView, threadVersion, threadView } from './views.js';

const TICK_MS = 100;
const KEEP_ALIVE_MS = 15_000;

/**
 * Server-sent events: a snapshot on connect, then every message, thread or command list that changed.
 * The emulator's records are read on a short tick, as the console does, rather than hooked: the
 * playground stays a reader of the emulator's public face.
 */
export class LiveFeed {
  private readonly clients = new Set<ServerResponse>();
  private readonly seen = new Map<string, string>();
  private commandsSeen = '';
  private timer: NodeJS.Timeout | undefined;
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(
    private readonly discord: DiscordEmulator,
    private readonly snapshot: () => unknown,
  ) {}

  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    // Catch the others up first, so that the snapshot and what follows it agree on what was seen.
    this.tick();
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    send(res, 'snapshot', this.snapshot());
    this.timer ??= setInterval(() => this.tick(), TICK_MS);
    this.keepAlive ??= setInterval(
      () => this.clients.forEach((c) => c.write(': keep-alive\n\n')),
      KEEP_ALIVE_MS,
    );
  }

  close(): void {
    clearInterval(this.timer);
    clearInterval(this.keepAlive);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private tick(): void {
    const { discord } = this;
    const events: [string, unknown][] = [];
    for (const thread of discord.threads) {
      const key = `t${thread.id}`;
      const version = threadVersion(thread);
      if (this.seen.get(key) === version) continue;
      this.seen.set(key, version);
      events.push(['thread', threadView(thread)]);
    }
    for (const message of discord.messages) {
      const version = messageVersion(message, discord);
      if (this.seen.get(message.id) === version) continue;
      this.seen.set(message.id, version);
      events.push(['message', messageView(discord, message)]);
    }
    const commands = discord.commands(discord.guildId);
    const commandsKey = JSON.stringify(commands);
    if (commandsKey !== this.commandsSeen) {
      this.commandsSeen = commandsKey;
      events.push(['commands', commands]);
    }
    for (const [event, data] of events) for (const client of this.clients) send(client, event, data);
  }
}

function send(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
