import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { USAGE_NOT_COUNTED } from '../../src/jobs/present.js';
import { LogEvent } from '../../src/log-events.js';
import type { InteractionHandle } from '../../src/playground/discord/index.js';
import { ENGLISH } from '../../src/text/catalogue.js';
import { startWorld, type World } from '../emulators/world.js';
import { ownDatabase, type OwnDatabase } from '../support/postgres.js';
import { tcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

// A real PostgreSQL, or this file is skipped (test/support/postgres.ts). Without Redis the
// members' limits are in the database, so a database that does not answer holds admission up:
// the bot reaches it through a proxy that the test stalls (connections stay open, nothing passes).
const postgresUrl = inject('postgresUrl');

let db: OwnDatabase;
let proxy: TcpProxy;
let world: World;

/** Discord's deadline for an interaction's first answer. */
const DEADLINE_MS = 3000;
/** Callback type 5: "thinking…", answered later. */
const DEFERRED = 5;

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Dispatches /imagine while the database is stalled; resolves once Discord has its deferral, in time. */
async function imagineDeferredInTime(prompt: string): Promise<InteractionHandle> {
  const h = await world.discord.dispatchCommand('imagine', { prompt });
  const first = await h.waitForCallback(DEADLINE_MS);
  expect(first.type).toBe(DEFERRED);
  expect(first.at - h.state().createdAt).toBeLessThan(DEADLINE_MS);
  return h;
}

const messageOf = (id: string | null | undefined) => world.discord.messages.find((m) => m.id === id);

describe.skipIf(postgresUrl === null)('an admission slowed by a database that does not answer', () => {
  beforeAll(async () => {
    db = await ownDatabase(postgresUrl!);
    const target = new URL(db.url);
    proxy = await tcpProxy(target.hostname, Number(target.port || 5432));
    const through = new URL(db.url);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    world = await startWorld({ env: { DATABASE_URL: through.toString() } });
  });
  afterAll(async () => {
    await world?.stop();
    await proxy?.close();
    await db?.drop();
  });

  test('a database that stalls for 3.5 s: “thinking…” within Discord’s 3 s, then the job goes on in that reply', async () => {
    proxy.stall();
    let h: InteractionHandle;
    try {
      h = await imagineDeferredInTime('a fox behind a slow database');
      // Admission is still waiting for the database: the job is not queued, Gemini not called.
      expect(world.bot.logs().filter((l) => l.event === LogEvent.jobQueued)).toHaveLength(0);
      await new Promise((r) => setTimeout(r, 3500 - (Date.now() - h.state().createdAt)));
    } finally {
      proxy.restore();
    }
    const picture = await h.waitForOriginal((m) => m.attachments.length > 0, 20_000);
    expect(picture.ephemeral).toBe(false);
    // Discord was answered once, and the picture is that answer: no second message.
    expect(h.state().callbacks).toHaveLength(1);
    expect(h.state().followUpIds).toHaveLength(0);
    expect(world.gemini.requests).toHaveLength(1);
  });

  test('stalled until admission gives up: “thinking…” in time, then, to the member alone, why; the public reply goes', async () => {
    const before = world.gemini.requests.length;
    proxy.stall();
    let h: InteractionHandle;
    try {
      h = await imagineDeferredInTime('a fox behind a frozen database');
      await until(() => h.state().followUpIds.length > 0, 40_000);
    } finally {
      proxy.restore();
    }
    const answer = messageOf(h.state().followUpIds[0]);
    expect(answer?.ephemeral).toBe(true);
    expect(answer?.content).toBe(`⚠️ ${ENGLISH.say(USAGE_NOT_COUNTED)}`);
    // Nobody else is left looking at a "thinking…" for a job that is not coming.
    expect(messageOf(h.state().originalMessageId)?.deleted).toBe(true);
    expect(h.state().followUpIds).toHaveLength(1);
    expect(world.gemini.requests).toHaveLength(before);
  });

  test('with the database answering again, a command is deferred once and its reply gets the picture', async () => {
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a fox after the thaw' });
    const picture = await h.waitForOriginal((m) => m.attachments.length > 0, 20_000);
    expect(picture.ephemeral).toBe(false);
    expect(h.state().callbacks).toHaveLength(1);
    expect(h.state().followUpIds).toHaveLength(0);
  });
});
