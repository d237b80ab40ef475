import { describe, expect, test } from 'vitest';
import { ENGLISH, voiceFor } from '../../src/text/catalogue.js';
import { decideRefine, UNREADABLE_HINT, type MessageFacts } from '../../src/discord/refine-decision.js';
import { promptOfResult, renderResult } from '../../src/discord/render.js';
import type { ResultRecord } from '../../src/store/store.js';

const BOT = '900000000000000001';
const record = (messageId: string, threadId: string | null = null): ResultRecord => ({
  messageId,
  channelId: threadId ?? '700000000000000001',
  threadId,
  guildId: '600000000000000001',
  userId: '500000000000000001',
  prompt: 'a cat',
  parentMessageId: null,
  model: 'gemini-2.5-flash-image',
  modelParts: [{ imageIndex: 0 }],
  imageCount: 1,
  createdAt: 1,
});
const picture = record('800000000000000001');
const inThread = record('800000000000000002', picture.messageId);
const store = {
  results: new Map([picture, inThread].map((r) => [r.messageId, r])),
  getResult(id: string) {
    return Promise.resolve(this.results.get(id));
  },
  latestInThread(threadId: string) {
    return Promise.resolve(threadId === picture.messageId ? inThread : undefined);
  },
};
const facts = (over: Partial<MessageFacts>): MessageFacts => ({
  authorIsBot: false,
  botId: BOT,
  content: 'make the lighting warmer',
  attachmentCount: 0,
  mentionsBot: false,
  contentIntent: false,
  channelId: '700000000000000001',
  ...over,
});

describe('decideRefine', () => {
  test('a reply to the bot’s picture in a channel refines it in a new thread', async () => {
    const d = await decideRefine(facts({ replyTo: { messageId: picture.messageId, authorId: BOT } }), store);
    expect(d).toEqual({ kind: 'refine', parent: picture, placement: 'new-thread' });
  });

  test('a reply inside a thread to any of the bot’s pictures refines that picture there', async () => {
    const d = await decideRefine(
      facts({
        channelId: picture.messageId,
        thread: { ownerId: BOT },
        replyTo: { messageId: picture.messageId, authorId: BOT },
      }),
      store,
    );
    expect(d).toEqual({ kind: 'refine', parent: picture, placement: 'here' });
  });

  test('a plain message in the bot’s thread refines the thread’s latest picture', async () => {
    const d = await decideRefine(facts({ channelId: picture.messageId, thread: { ownerId: BOT } }), store);
    expect(d).toEqual({ kind: 'refine', parent: inThread, placement: 'here' });
  });

  test('a plain message in a bot thread with no refined picture yet refines the picture the thread hangs on', async () => {
    const empty = { ...store, latestInThread: () => Promise.resolve(undefined) };
    const d = await decideRefine(facts({ channelId: picture.messageId, thread: { ownerId: BOT } }), empty);
    expect(d).toEqual({ kind: 'refine', parent: picture, placement: 'here' });
  });

  test('a reply to one of the bot’s other messages in its thread (an error, a hint) refines the thread’s latest picture', async () => {
    const d = await decideRefine(
      facts({
        channelId: picture.messageId,
        thread: { ownerId: BOT },
        replyTo: { messageId: '800000000000000009', authorId: BOT },
      }),
      store,
    );
    expect(d).toEqual({ kind: 'refine', parent: inThread, placement: 'here' });
  });

  test.each<[string, Partial<MessageFacts>]>([
    ['a message from a bot', { authorIsBot: true, replyTo: { messageId: picture.messageId, authorId: BOT } }],
    [
      'a reply to another user',
      { replyTo: { messageId: '800000000000000009', authorId: '500000000000000002' } },
    ],
    [
      'a reply to a bot message that is not a picture',
      { replyTo: { messageId: '800000000000000009', authorId: BOT } },
    ],
    ['a plain channel message', {}],
    ['a message in somebody else’s thread', { thread: { ownerId: '500000000000000002' } }],
    [
      'a reply to another user inside the bot’s thread',
      { thread: { ownerId: BOT }, replyTo: { messageId: '1', authorId: '2' } },
    ],
  ])('%s is left alone', async (_, over) => {
    expect(await decideRefine(facts(over), store)).toEqual({ kind: 'ignore' });
  });

  test('an unreadable reply (no MessageContent intent, no ping) gets a hint on how to reply', async () => {
    const d = await decideRefine(
      facts({ content: '', replyTo: { messageId: picture.messageId, authorId: BOT } }),
      store,
    );
    expect(d).toEqual({ kind: 'hint', message: UNREADABLE_HINT });
  });

  test('with the MessageContent intent an empty reply is simply ignored', async () => {
    const d = await decideRefine(
      facts({ content: '', contentIntent: true, replyTo: { messageId: picture.messageId, authorId: BOT } }),
      store,
    );
    expect(d).toEqual({ kind: 'ignore' });
  });

  test('a reply with only an image attached still refines', async () => {
    const d = await decideRefine(
      facts({ content: '', attachmentCount: 1, replyTo: { messageId: picture.messageId, authorId: BOT } }),
      store,
    );
    expect(d.kind).toBe('refine');
  });

  describe('a bot picture the store does not know (a reset store, an older deployment)', () => {
    const resultWords = renderResult(
      ENGLISH,
      { kind: 'images', images: [], text: '' },
      'a *red* fox <@123456789012345678>',
      '500000000000000001',
    );
    const unknownReply = (hasImage: boolean, content = resultWords) => ({
      messageId: '800000000000000077',
      authorId: BOT,
      fetch: () =>
        Promise.resolve({
          channelId: '700000000000000001',
          guildId: '600000000000000001',
          content,
          hasImage,
          createdAt: 5,
        }),
    });

    test('a reply to it refines it from the message itself: its picture, and the prompt read from its words', async () => {
      const d = await decideRefine(facts({ replyTo: unknownReply(true) }), store);
      expect(d).toMatchObject({
        kind: 'refine',
        known: false,
        placement: 'new-thread',
        parent: {
          messageId: '800000000000000077',
          channelId: '700000000000000001',
          prompt: 'a *red* fox <@123456789012345678>',
          parentMessageId: null,
          modelParts: [{ imageIndex: 0 }],
        },
      });
    });

    test.each(['ja', 'es-419', 'zh-CN', 'hi'])(
      'a result posted in %s gives its prompt back too (a server may have changed language since)',
      (language) => {
        const words = renderResult(
          voiceFor(language),
          { kind: 'images', images: [], text: '' },
          'a *red* fox',
          '500000000000000001',
        );
        expect(promptOfResult(words)).toBe('a *red* fox');
      },
    );

    test('its words need not be a result of ours: the prompt is then empty, the picture still refined', async () => {
      const d = await decideRefine(facts({ replyTo: unknownReply(true, 'something else') }), store);
      expect(d).toMatchObject({ kind: 'refine', known: false, parent: { prompt: '' } });
      expect(promptOfResult('something else')).toBeUndefined();
    });

    test('a bot message without a picture, or one that cannot be fetched, is left alone', async () => {
      expect(await decideRefine(facts({ replyTo: unknownReply(false) }), store)).toEqual({ kind: 'ignore' });
      const gone = { ...unknownReply(true), fetch: () => Promise.reject(new Error('Unknown Message')) };
      expect(await decideRefine(facts({ replyTo: gone }), store)).toEqual({ kind: 'ignore' });
    });

    test('in a bot thread the store knows nothing of, a reply to the picture refines it there', async () => {
      const empty = {
        getResult: () => Promise.resolve(undefined),
        latestInThread: () => Promise.resolve(undefined),
      };
      const d = await decideRefine(
        facts({ channelId: '800000000000000077', thread: { ownerId: BOT }, replyTo: unknownReply(true) }),
        empty,
      );
      expect(d).toMatchObject({ kind: 'refine', known: false, placement: 'here' });
    });
  });
});
