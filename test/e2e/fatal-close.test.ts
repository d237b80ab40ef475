import { afterEach, describe, expect, test } from 'vitest';
import { LogEvent } from '../../src/log-events.js';
import { startWorld, type World } from '../emulators/world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

describe('a gateway close the bot cannot recover from', () => {
  test.each([
    [4004, /DISCORD_TOKEN/],
    [4014, /Message Content Intent/],
  ])(
    'close %i is logged once as an operator error with its fix, and the process exits 1',
    async (code, fix) => {
      world = await startWorld();
      const started = Date.now();
      world.discord.closeGateway(code);
      expect(await world.bot.exited()).toBe(1);
      // Within the drain's bound, not after a supervisor's patience runs out.
      expect(Date.now() - started).toBeLessThan(30_000);
      const fatal = world.bot.logs().filter((l) => l.event === LogEvent.gatewayFatal);
      expect(fatal).toHaveLength(1);
      expect(fatal[0]).toMatchObject({ level: 60, code });
      expect(String(fatal[0]!.msg)).toMatch(fix);
    },
  );
});
