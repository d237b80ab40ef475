import { afterEach, describe, expect, test } from 'vitest';
import { LogEvent } from '../../src/log-events.js';
import { spoolContents } from '../emulators/bot-process.js';
import { startWorld, type World } from '../emulators/world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const hasImage = (m: { attachments: unknown[] }) => m.attachments.length > 0;
const text = (re: RegExp) => (m: { content: string }) => re.test(m.content);

describe('resilience end to end', () => {
  test('after the gateway closes with 4000 the bot resumes its session and the next command works', async () => {
    world = await startWorld();
    world.discord.closeGateway(4000);
    await world.bot.waitForLog((l) => l.event === LogEvent.gatewayResumed, 15_000);
    expect(world.discord.gatewaySessions.resumes).toBe(1);
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'after resume' });
    await h.waitForOriginal(hasImage, 15_000);
  });

  test('SIGTERM: the running job finishes, the queued one is told it did not start, new commands are turned away, exit 0 within 30 s', async () => {
    world = await startWorld({ env: { GEMINI_CONCURRENCY: '1', SHUTDOWN_GRACE_MS: '10000' } });
    world.gemini.setDefault({ kind: 'image', latencyMs: 1500 });
    const running = await world.discord.dispatchCommand('imagine', { prompt: 'running job' });
    const queued = await world.discord.dispatchCommand(
      'imagine',
      { prompt: 'queued job' },
      { user: world.discord.users.bob },
    );
    await world.gemini.waitForRequests(1);

    const stopped = Date.now();
    world.bot.child.kill('SIGTERM');
    await world.bot.waitForLog((l) => l.event === LogEvent.shutdownStarted);
    const late = await world.discord.dispatchCommand(
      'imagine',
      { prompt: 'too late' },
      { user: world.discord.users.carol },
    );

    const code = await world.bot.exited();
    expect(code).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(30_000);
    expect((await running.waitForOriginal(hasImage, 1000)).attachments).toHaveLength(1);
    expect(
      (await queued.waitForOriginal(text(/restart before your job started/), 1000)).attachments,
    ).toHaveLength(0);
    const lateCallback = late.state().callbacks.find((c) => c.status < 300);
    expect(JSON.stringify(lateCallback?.body)).toMatch(/restarting/);
    expect(world.gemini.requests.map((r) => r.texts[0])).toEqual(['running job']);
    // The process's own spool folder goes with it.
    expect(spoolContents(world.bot.dataDir).folders).toEqual([]);
  });

  test('SIGTERM: a job still running after the grace period is interrupted and its user told', async () => {
    world = await startWorld({ env: { SHUTDOWN_GRACE_MS: '500' } });
    world.gemini.setDefault({ kind: 'hang' });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'never ends' });
    await world.gemini.waitForRequests(1);
    world.bot.child.kill('SIGTERM');
    expect(await world.bot.exited()).toBe(0);
    expect((await h.waitForOriginal(text(/restart while making your picture/), 1000)).content).toMatch(
      /try again/,
    );
  });

  test('a job that outlives its interaction token is delivered as a channel message mentioning only its user', async () => {
    world = await startWorld({ discord: { tokenLifetimeMs: 1500 } });
    world.gemini.setDefault({ kind: 'image', latencyMs: 2500 });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'slow picture' });
    const user = world.discord.users.alice.id;
    const message = await world.discord.waitForMessage(
      (m) => m.author.bot && m.interactionId === null && hasImage(m),
      15_000,
    );
    expect(message.channelId).toBe(world.discord.channelId);
    expect(message.content).toContain(`<@${user}>`);
    expect(message.allowedMentions).toMatchObject({ users: [user] });
    expect(JSON.stringify(message.allowedMentions)).not.toMatch(/everyone|roles/);
    // The dead token was tried once, not in a loop.
    const webhookFailures = world.discord.requests.filter(
      (r) => r.path.includes(`/webhooks/`) && r.status === 401,
    );
    expect(webhookFailures.length).toBeLessThanOrEqual(2);
    expect(h.state().originalMessageId).not.toBe(message.id);
  });

  test('waiting users see their queue position move, then generating, edited no more than every 2 s', async () => {
    world = await startWorld({ env: { GEMINI_CONCURRENCY: '1' } });
    world.gemini.setDefault({ kind: 'image', latencyMs: 2200 });
    await world.discord.dispatchCommand('imagine', { prompt: 'first' });
    await world.discord.dispatchCommand('imagine', { prompt: 'second' }, { user: world.discord.users.bob });
    const third = await world.discord.dispatchCommand(
      'imagine',
      { prompt: 'third' },
      { user: world.discord.users.carol },
    );
    await third.waitForOriginal(hasImage, 20_000);
    const edits = world.discord.requests
      .filter((r) => r.method === 'PATCH' && r.path.includes(third.token))
      .map((r) => ({ at: r.at, content: (r.body as { content?: string }).content ?? '' }));
    const contents = edits.map((e) => e.content);
    expect(contents.some((c) => /position 2/.test(c))).toBe(true);
    expect(contents.some((c) => /Next in line/.test(c))).toBe(true);
    expect(contents.some((c) => /Generating/.test(c))).toBe(true);
    for (let i = 1; i < edits.length - 1; i++)
      expect(edits[i]!.at - edits[i - 1]!.at).toBeGreaterThanOrEqual(1900);
  });

  test('a full queue answers new jobs with a busy message at once', async () => {
    world = await startWorld({ env: { GEMINI_CONCURRENCY: '1', MAX_QUEUE: '1' } });
    world.gemini.setDefault({ kind: 'image', latencyMs: 2000 });
    await world.discord.dispatchCommand('imagine', { prompt: 'running' });
    await world.gemini.waitForRequests(1);
    await world.discord.dispatchCommand('imagine', { prompt: 'waiting' }, { user: world.discord.users.bob });
    const refused = await world.discord.dispatchCommand(
      'imagine',
      { prompt: 'no room' },
      { user: world.discord.users.carol },
    );
    const callback = await refused.waitForCallback();
    expect(callback.type).toBe(4);
    expect(JSON.stringify(callback.body)).toMatch(/queue is full/);
  });

  test('a user over USER_RPM is told privately when to try again', async () => {
    world = await startWorld({ env: { USER_RPM: '1' } });
    await world.discord.dispatchCommand('imagine', { prompt: 'one' });
    const second = await world.discord.dispatchCommand('imagine', { prompt: 'two' });
    const callback = await second.waitForCallback();
    expect((callback.body as { data: { flags: number; content: string } }).data).toMatchObject({ flags: 64 });
    expect(JSON.stringify(callback.body)).toMatch(/a bit fast.*<t:\d+:R>/);
  });

  test('the token and API key never appear in anything the bot logged or sent', async () => {
    world = await startWorld({
      env: { LOG_LEVEL: 'trace', GEMINI_TIMEOUT_MS: '1000', GEMINI_MAX_ATTEMPTS: '3' },
    });
    world.gemini.enqueue({
      kind: 'error',
      status: 400,
      message: 'API key not valid. Please pass a valid API key.',
    });
    const a = await world.discord.dispatchCommand('imagine', { prompt: 'bad key' });
    await a.waitForOriginal(text(/misconfigured/), 15_000);
    world.gemini.enqueue({ kind: 'error', status: 503 }, { kind: 'hang' });
    const b = await world.discord.dispatchCommand('imagine', { prompt: 'troubles' });
    await b.waitForOriginal((m) => m.content !== '' && !/Generating|Still working/.test(m.content), 20_000);
    world.discord.closeGateway(4000);
    await world.bot.waitForLog((l) => l.event === LogEvent.gatewayResumed);
    await world.bot.stop('SIGTERM');

    const logged = world.bot.output();
    expect(logged.length).toBeGreaterThan(1000);
    const sent = JSON.stringify(world.discord.messages);
    for (const secret of [world.secrets.token, world.secrets.apiKey]) {
      expect(logged).not.toContain(secret);
      expect(sent).not.toContain(secret);
      // Nor a recognisable piece of it.
      expect(logged).not.toContain(secret.slice(0, 20));
    }
  });
});
