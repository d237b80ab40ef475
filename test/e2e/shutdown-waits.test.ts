import { afterEach, describe, expect, test } from 'vitest';
import { LogEvent } from '../../src/log-events.js';
import { startWorld, type World } from '../emulators/world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const interrupted = (m: { content: string }) => /restart while making your picture/.test(m.content);

describe('SIGTERM while jobs wait', () => {
  test('jobs held by a 429 pause in the quota gate are interrupted and told, and the shutdown is clean', async () => {
    world = await startWorld({ env: { GEMINI_CONCURRENCY: '2', SHUTDOWN_GRACE_MS: '500' } });
    // The first call is told to wait a minute: every Gemini call pauses, both jobs wait in the gate.
    world.gemini.enqueue({ kind: 'error', status: 429, retryDelay: '60s' });
    const first = await world.discord.dispatchCommand('imagine', { prompt: 'first in the pause' });
    await world.gemini.waitForRequests(1);
    const second = await world.discord.dispatchCommand(
      'imagine',
      { prompt: 'second in the pause' },
      { user: world.discord.users.bob },
    );
    await world.bot.waitForLog(
      (l) => l.event === LogEvent.jobQueued && l.userId === world!.discord.users.bob.id,
    );

    const stopped = Date.now();
    world.bot.child.kill('SIGTERM');
    expect(await world.bot.exited()).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(10_000);
    await first.waitForOriginal(interrupted, 1000);
    await second.waitForOriginal(interrupted, 1000);
    expect(world.gemini.requests).toHaveLength(1);
    const end = world.bot.logs().find((l) => l.event === LogEvent.shutdownFinished);
    expect(end).toMatchObject({ msg: 'shut down cleanly', level: 30, jobs: 2 });
    expect(end).not.toHaveProperty('untold');
  });
});
