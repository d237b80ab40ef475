import { Writable } from 'node:stream';
import { ENGLISH, voiceFor } from '../../src/text/catalogue.js';
import { DiscordAPIError, HTTPError, type Message, type SendableChannels } from 'discord.js';
import { pino } from 'pino';
import { describe, expect, test, vi } from 'vitest';
import type { JobResult } from '../../src/core/job.js';
import { groupFiles, InteractionTarget, MessageTarget } from '../../src/discord/delivery.js';
import type { JobInteraction } from '../../src/discord/submit.js';

const file = (name: string, mib: number) => ({
  filename: name,
  data: Buffer.alloc(Math.round(mib * 1024 * 1024)),
});

describe('groupFiles', () => {
  test('up to ten files that fit in 25 MiB go in one message', () => {
    const groups = groupFiles(Array.from({ length: 10 }, (_, i) => file(`f${i}`, 1)));
    expect(groups.map((g) => g.length)).toEqual([10]);
  });

  test('an eleventh file starts a second message', () => {
    const groups = groupFiles(Array.from({ length: 11 }, (_, i) => file(`f${i}`, 0.1)));
    expect(groups.map((g) => g.length)).toEqual([10, 1]);
  });

  test('files are split so no message carries more than 25 MiB, keeping their order', () => {
    const groups = groupFiles([file('a', 9), file('b', 9), file('c', 9), file('d', 9)]);
    expect(groups.map((g) => g.map((f) => f.filename))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    for (const g of groups)
      expect(g.reduce((n, f) => n + f.data.length, 0)).toBeLessThanOrEqual(25 * 1024 * 1024);
  });

  test('no files make one empty group (a text-only message)', () => {
    expect(groupFiles([])).toEqual([]);
  });
});

type Sent = { place: string; content?: string | undefined; files: number; pings?: unknown; reply?: unknown };

const apiError = (code: number, status: number, message = 'refused') =>
  new DiscordAPIError({ code, message }, code, status, 'POST', 'http://discord/api', {
    files: undefined,
    body: undefined,
  });
const http500 = () => new HTTPError(500, 'Internal Server Error', 'POST', 'http://discord/api', {});

/** A Discord place that records what it was sent; `fail` decides, per call, whether it refuses. */
function recorder(
  sent: Sent[],
  place: string,
  fail: (files: number, call: number) => Error | undefined = () => undefined,
) {
  let calls = 0;
  return vi.fn(
    (options: { content?: string; files?: unknown[]; allowedMentions?: unknown; reply?: unknown }) => {
      const files = options.files?.length ?? 0;
      const err = fail(files, calls++);
      if (err) return Promise.reject(err);
      sent.push({
        place,
        content: options.content,
        files,
        pings: options.allowedMentions,
        reply: options.reply,
      });
      return Promise.resolve({
        id: `${place}-${sent.length}`,
        channelId: `${place}-channel`,
      } as unknown as Message);
    },
  );
}

interface Faults {
  reply?: (files: number, call: number) => Error | undefined;
  followUp?: (files: number, call: number) => Error | undefined;
  channel?: (files: number, call: number) => Error | undefined;
  dm?: (files: number, call: number) => Error | undefined;
}

function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

function fakeInteraction(sent: Sent[], faults: Faults = {}, createdTimestamp = Date.now()) {
  const client = { users: { send: (_id: string, o: never) => dm(o) }, channels: { fetch: vi.fn() } };
  const dm = recorder(sent, 'dm', faults.dm);
  const channel = {
    id: 'channel-1',
    isThread: () => false,
    isSendable: () => true,
    send: recorder(sent, 'channel', faults.channel),
    client,
  };
  const interaction = {
    id: 'i-1',
    user: { id: '1090000000000001001' },
    createdTimestamp,
    attachmentSizeLimit: 10 * 1024 * 1024,
    channelId: channel.id,
    channel,
    client,
    editReply: recorder(sent, 'reply', faults.reply),
    followUp: recorder(sent, 'follow-up', faults.followUp),
  };
  return interaction as unknown as JobInteraction;
}

const pictures = (n: number): JobResult => ({
  kind: 'images',
  text: '',
  images: Array.from({ length: n }, (_, i) => ({ filename: `p${i}.png`, data: Buffer.alloc(10) })),
});

describe('InteractionTarget: delivery falls back, in order, and never sends a picture twice', () => {
  test('a follow-up that hits a dead token goes on in the channel from the group it stopped at', async () => {
    const sent: Sent[] = [];
    const { log } = capturedLog();
    const interaction = fakeInteraction(sent, {
      followUp: () => apiError(50027, 401, 'Invalid Webhook Token'),
    });
    const target = new InteractionTarget(interaction, 'twelve cats', ENGLISH, log);
    const visible: string[] = [];
    const delivered = await target.deliver(pictures(12), (m) =>
      visible.push(`${m.messageId} before ${sent.length}`),
    );
    expect(sent.map((s) => [s.place, s.files])).toEqual([
      ['reply', 10],
      ['channel', 2],
    ]);
    expect(sent.reduce((n, s) => n + s.files, 0)).toBe(12);
    expect(delivered?.messageId).toBe('reply-1');
    // Reported as soon as the first group was up, before the second was sent.
    expect(visible).toEqual(['reply-1 before 1']);
  });

  test('when the reply was deleted, the result comes as a follow-up', async () => {
    const sent: Sent[] = [];
    const interaction = fakeInteraction(sent, { reply: () => apiError(10008, 404, 'Unknown Message') });
    const delivered = await new InteractionTarget(interaction, 'a cat', ENGLISH, capturedLog().log).deliver(
      pictures(1),
    );
    expect(sent.map((s) => [s.place, s.files])).toEqual([['follow-up', 1]]);
    expect(delivered?.messageId).toBe('follow-up-1');
  });

  test('an upload Discord answers 500 to becomes words in the reply saying the picture could not be posted', async () => {
    const sent: Sent[] = [];
    const failUploads = (files: number) => (files > 0 ? http500() : undefined);
    const interaction = fakeInteraction(sent, {
      reply: failUploads,
      followUp: failUploads,
      channel: failUploads,
    });
    const delivered = await new InteractionTarget(interaction, 'a cat', ENGLISH, capturedLog().log).deliver(
      pictures(1),
    );
    expect(delivered).toBeUndefined();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ place: 'reply', files: 0 });
    expect(sent[0]!.content).toMatch(/could not post it\. Discord did not accept the upload/);
    expect(sent[0]!.content).toContain('a cat');
  });

  test('an expired token in a channel the bot cannot post in: the picture goes by DM, saying where it was asked for', async () => {
    const sent: Sent[] = [];
    const interaction = fakeInteraction(
      sent,
      { channel: () => apiError(50013, 403, 'Missing Permissions') },
      Date.now() - 16 * 60_000,
    );
    const delivered = await new InteractionTarget(interaction, 'a cat', ENGLISH, capturedLog().log).deliver(
      pictures(1),
    );
    expect(sent.map((s) => [s.place, s.files])).toEqual([['dm', 1]]);
    expect(sent[0]!.content).toMatch(/could not post this in <#channel-1>/);
    expect(delivered?.messageId).toBe('dm-1');
    expect(interaction.editReply).not.toHaveBeenCalled();
  });

  test('a result that falls back to the channel is said in the server’s language; one by DM in the member’s', async () => {
    const japanese = voiceFor('ja');
    const line = (voice: typeof japanese) =>
      voice.t('result.images', { prompt: 'a cat', member: '<@1090000000000001001>' });
    /** Delivers one picture for an English member in a Japanese server, once the token has expired. */
    const deliverLate = async (faults: Faults) => {
      const sent: Sent[] = [];
      const interaction = fakeInteraction(sent, faults, Date.now() - 16 * 60_000);
      const options = { serverVoice: japanese };
      const target = new InteractionTarget(
        interaction,
        'a cat',
        ENGLISH,
        capturedLog().log,
        undefined,
        undefined,
        options,
      );
      await target.deliver(pictures(1));
      return sent;
    };

    const inChannel = await deliverLate({});
    expect(inChannel.map((s) => s.place)).toEqual(['channel']);
    expect(inChannel[0]!.content).toContain(line(japanese));

    const byDm = await deliverLate({ channel: () => apiError(50013, 403, 'Missing Permissions') });
    expect(byDm.map((s) => s.place)).toEqual(['dm']);
    expect(byDm[0]!.content).toContain(line(ENGLISH));
  });

  test('when nothing reaches the member, the job is logged as lost with its member and deliver rejects', async () => {
    const sent: Sent[] = [];
    const refuse = () => apiError(50013, 403, 'Missing Permissions');
    const interaction = fakeInteraction(sent, { channel: refuse, dm: () => apiError(50007, 403) }, 0);
    const { log, lines } = capturedLog();
    await expect(
      new InteractionTarget(interaction, 'a cat', ENGLISH, log).deliver(pictures(1)),
    ).rejects.toThrow(/no way to reach/);
    expect(sent).toEqual([]);
    const lost = lines.find((l) => l.event === 'job.lost');
    expect(lost).toMatchObject({ member: '1090000000000001001' });
    expect((lost?.failures as unknown[]).length).toBeGreaterThan(0);
  });

  test('a text answer whose reply is gone and token dead is posted in the channel', async () => {
    const sent: Sent[] = [];
    const interaction = fakeInteraction(sent, {
      reply: () => apiError(10062, 404, 'Unknown interaction'),
      followUp: () => apiError(10062, 404, 'Unknown interaction'),
    });
    await new InteractionTarget(interaction, 'a cat', ENGLISH, capturedLog().log).deliver({
      kind: 'text',
      text: 'words',
    });
    // The dead token is not tried a second time.
    expect(interaction.followUp).not.toHaveBeenCalled();
    expect(sent.map((s) => s.place)).toEqual(['channel']);
  });
});

function fakeThread(
  sent: Sent[],
  faults: { thread?: Faults['channel']; parent?: Faults['channel']; dm?: Faults['dm'] },
) {
  const dm = recorder(sent, 'dm', faults.dm);
  const client = { users: { send: (_id: string, o: never) => dm(o) }, channels: { fetch: vi.fn() } };
  const parent = {
    id: 'parent-1',
    isThread: () => false,
    isSendable: () => true,
    send: recorder(sent, 'parent', faults.parent),
    client,
  };
  const thread = {
    id: 'thread-1',
    isThread: () => true,
    isSendable: () => true,
    send: recorder(sent, 'thread', faults.thread),
    parent,
    parentId: parent.id,
    client,
  };
  return thread as unknown as SendableChannels;
}

describe('MessageTarget: a refine reaches its member when its thread or placeholder fails', () => {
  const member = '1090000000000001001';

  test('a deleted placeholder: the picture comes as a new reply to the member’s message, and progress stops', async () => {
    const sent: Sent[] = [];
    const thread = fakeThread(sent, {});
    const target = new MessageTarget(
      thread,
      'member-msg',
      'warmer',
      ENGLISH,
      member,
      10 * 1024 * 1024,
      capturedLog().log,
    );
    await target.progress({ state: 'generating', attempt: 1 });
    const placeholder = (thread.send as ReturnType<typeof vi.fn>).mock.results[0]!.value as Promise<Message>;
    const edit = vi.fn(() => Promise.reject(apiError(10008, 404, 'Unknown Message')));
    Object.assign(await placeholder, { edit });
    await target.progress({ state: 'generating', attempt: 2 });
    await target.progress({ state: 'generating', attempt: 3 });
    expect(edit).toHaveBeenCalledTimes(1);
    const delivered = await target.deliver(pictures(1));
    expect(sent.map((s) => [s.place, s.files])).toEqual([
      ['thread', 0],
      ['thread', 1],
    ]);
    expect(sent[1]!.reply).toMatchObject({ messageReference: 'member-msg' });
    expect(delivered).toMatchObject({ threadId: 'thread-channel' });
  });

  test('a thread locked or archived while the job ran: the picture goes to its channel, mentioning the member', async () => {
    const sent: Sent[] = [];
    const thread = fakeThread(sent, { thread: () => apiError(50083, 400, 'Thread is archived') });
    const target = new MessageTarget(
      thread,
      undefined,
      'warmer',
      ENGLISH,
      member,
      10 * 1024 * 1024,
      capturedLog().log,
    );
    const delivered = await target.deliver(pictures(1));
    expect(sent.map((s) => [s.place, s.files])).toEqual([['parent', 1]]);
    expect(sent[0]!.pings).toMatchObject({ users: [member] });
    expect(delivered).toMatchObject({ messageId: 'parent-1', threadId: null });
  });

  test('Attach Files lost while the job ran: the member is told in words, where the conversation is', async () => {
    const sent: Sent[] = [];
    const noFiles = (files: number) => (files > 0 ? apiError(50013, 403, 'Missing Permissions') : undefined);
    const thread = fakeThread(sent, { thread: noFiles, parent: noFiles });
    const target = new MessageTarget(
      thread,
      'member-msg',
      'warmer',
      ENGLISH,
      member,
      10 * 1024 * 1024,
      capturedLog().log,
    );
    expect(await target.deliver(pictures(1))).toBeUndefined();
    expect(sent.map((s) => [s.place, s.files])).toEqual([['thread', 0]]);
    expect(sent[0]!.content).toMatch(/Attach Files/);
  });
});
