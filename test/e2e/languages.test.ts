import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { LogEvent } from '../../src/log-events.js';
import type {
  FakeUser,
  InteractionCallbackRecord,
  MessageRecord,
} from '../../src/playground/discord/index.js';
import { ENGLISH, phrase, voiceFor, type Voice } from '../../src/text/catalogue.js';
import { startWorld, type World } from '../emulators/world.js';
import { png } from '../support/images.js';

// Two jobs a minute per member, so the per-minute limit is in reach; each test acts as members of its own.
let world: World;
beforeAll(async () => {
  world = await startWorld({ env: { USER_RPM: '2' } });
});
afterAll(() => world?.stop());
beforeEach(() => world.gemini.reset());

const JAPANESE = voiceFor('ja');
const SPANISH = voiceFor('es-419');

let members = 0;
/** A member of the server no other test has used: their per-minute limit is untouched. */
function member(): FakeUser {
  members++;
  return {
    id: `10900000000002${String(members).padStart(5, '0')}`,
    username: `l${members}`,
    globalName: null,
    bot: false,
  };
}

const SLOT = '\u0001';
/**
 * A pattern for a sentence as a voice says it, with a parameter only the bot knows (a Discord
 * timestamp, a queue position) left open: the sentence has SLOT there, and `slot` is its pattern.
 */
function sentencePattern(sentence: string, slot: string): RegExp {
  const escaped = sentence.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.split(SLOT).join(slot)}$`);
}

const contentOf = (callback: InteractionCallbackRecord) =>
  (callback.body as { data?: { content?: string } }).data?.content ?? '';

/** The labels of a message's buttons, in order. */
function buttonLabels(message: MessageRecord): string[] {
  const labels: string[] = [];
  const walk = (c: unknown) => {
    const component = c as { type?: number; label?: string; components?: unknown[] };
    if (component.type === 2 && component.label) labels.push(component.label);
    component.components?.forEach(walk);
  };
  message.components.forEach(walk);
  return labels;
}

/** The buttons under a one-picture result from the default model (which upscales to 2K and 4K). */
const resultButtons = (voice: Voice) => [
  voice.t('controls.reroll'),
  voice.t('controls.varySubtle'),
  voice.t('controls.varyStrong'),
  voice.t('controls.edit'),
  voice.t('controls.remix'),
  voice.t('controls.upscale', { size: '2K' }),
  voice.t('controls.upscale', { size: '4K' }),
  voice.t('controls.delete'),
];

const finishedJobs = () => world.bot.logs().filter((l) => l.event === LogEvent.jobFinished).length;
const withPicture = (m: MessageRecord) => m.attachments.length > 0;

/** /imagine as `user` from a client in `locale`, resolved once the picture is posted and stored. */
async function imagine(user: FakeUser, prompt: string, locale: string) {
  const before = finishedJobs();
  const handle = await world.discord.dispatchCommand('imagine', { prompt }, { user, locale });
  const picture = await handle.waitForOriginal(withPicture, 20_000);
  await world.bot.waitForLog(() => finishedJobs() > before, 20_000);
  return { handle, picture };
}

/** An empty prompt, refused at once and privately: the quickest sentence to ask for in any language. */
async function emptyPromptAnswer(user: FakeUser, locale: string): Promise<string> {
  const h = await world.discord.dispatchCommand('imagine', { prompt: '   ' }, { user, locale });
  const callback = await h.waitForCallback();
  expect(callback.type).toBe(4);
  expect((callback.body as { data: { flags: number } }).data.flags & 64).toBe(64);
  return contentOf(callback);
}

const emptyPrompt = (voice: Voice) => voice.t('problem', { message: phrase('prompt.empty') });

/** Runs `/settings language` as the server's owner from an English client; resolves with the answer. */
async function pinLanguage(language: string): Promise<string> {
  const h = await world.discord.dispatchCommand(
    'settings language',
    { language },
    { user: world.discord.owner, locale: 'en-US' },
  );
  return contentOf(await h.waitForCallback());
}

describe('the bot answers each member in their language', () => {
  test('a member whose Discord is in Japanese is refused, limited and given buttons in Japanese', async () => {
    const user = member();
    expect(JAPANESE.t('prompt.empty')).not.toBe(ENGLISH.t('prompt.empty'));

    const empty = await world.discord.dispatchCommand('imagine', { prompt: '   ' }, { user, locale: 'ja' });
    // The interaction carries the member's locale and the server's, as Discord's do.
    expect(empty.payload).toMatchObject({ locale: 'ja', guild_locale: 'en-US' });
    expect(contentOf(await empty.waitForCallback())).toBe(emptyPrompt(JAPANESE));

    const prompt = 'a red fox in the snow';
    const { picture } = await imagine(user, prompt, 'ja');
    expect(picture.content.split('\n')[0]).toBe(
      JAPANESE.t('result.images', { prompt, member: `<@${user.id}>` }),
    );
    expect(buttonLabels(picture)).toEqual(resultButtons(JAPANESE));
    expect(picture.attachments[0]!.description).toBe(JAPANESE.t('result.altText', { prompt }));

    // Its Edit button opens a modal in the language of whoever presses it.
    const editId = (picture.components as { components: { custom_id?: string }[] }[])
      .flatMap((row) => row.components)
      .map((c) => c.custom_id ?? '')
      .find((id) => id.startsWith('v1:edit:'))!;
    const open = await world.discord.dispatchComponent({
      messageId: picture.id,
      customId: editId,
      user,
      locale: 'ja',
    });
    await open.waitForCallback();
    expect(open.state().modal?.title).toBe(JAPANESE.t('controls.editTitle'));

    // A second picture is the most this member may start in a minute; the third is refused.
    await imagine(user, 'a fox in the rain', 'ja');
    const third = await world.discord.dispatchCommand(
      'imagine',
      { prompt: 'a third fox' },
      { user, locale: 'ja' },
    );
    const limited = contentOf(await third.waitForCallback());
    expect(limited).toMatch(
      sentencePattern(JAPANESE.t('limits.perMinute', { count: 2, when: SLOT }), '<t:\\d+:R>'),
    );
    expect(world.discord.violations).toEqual([]);
  });

  test('a Discord locale the bot does not speak gets English', async () => {
    const user = member();
    expect(await emptyPromptAnswer(user, 'fr')).toBe(emptyPrompt(ENGLISH));
    const prompt = 'a croissant on a plate';
    const { picture } = await imagine(user, prompt, 'fr');
    expect(picture.content.split('\n')[0]).toBe(
      ENGLISH.t('result.images', { prompt, member: `<@${user.id}>` }),
    );
    expect(buttonLabels(picture)).toEqual(resultButtons(ENGLISH));
  });

  test('a refine by reply answers no interaction: it is in the language the server prefers', async () => {
    world.discord.setPreferredLocale('es-419');
    try {
      const user = member();
      // The picture is asked for from an English client, so it is in English…
      const prompt = 'a lighthouse at dusk';
      const { picture } = await imagine(user, prompt, 'en-US');
      expect(buttonLabels(picture)).toEqual(resultButtons(ENGLISH));

      // …and the reply that refines it, which carries no locale, is answered in the server's Spanish.
      const instruction = 'make the lighting warmer';
      const before = finishedJobs();
      const after = Date.now();
      const sentAt = world.discord.requests.length;
      await world.discord.dispatchMessage({ content: instruction, replyTo: picture.id, author: user });
      const refined = await world.discord.waitForMessage(
        (m) =>
          m.channelId === picture.id &&
          m.author.bot &&
          withPicture(m) &&
          (m.editedAt ?? m.createdAt) >= after,
        20_000,
      );
      await world.bot.waitForLog(() => finishedJobs() > before, 20_000);
      expect(refined.content.split('\n')[0]).toBe(
        SPANISH.t('result.images', { prompt: instruction, member: `<@${user.id}>` }),
      );
      expect(buttonLabels(refined)).toEqual(resultButtons(SPANISH));
      expect(refined.attachments[0]!.description).toBe(SPANISH.t('result.altText', { prompt: instruction }));

      // Everything the bot wrote in the thread on the way was Spanish: progress, then the result.
      const progress = [
        SPANISH.t('progress.generating', { prompt: instruction }),
        SPANISH.t('progress.next', { prompt: instruction }),
      ];
      const written = world.discord.requests
        .slice(sentAt)
        .filter((r) => r.route?.startsWith('/channels/{channel_id}/messages') && r.path.includes(picture.id))
        .map((r) => (r.body as { content?: string } | undefined)?.content)
        .filter((c): c is string => typeof c === 'string' && c !== '');
      expect(written.length).toBeGreaterThan(0);
      const waiting = sentencePattern(
        SPANISH.t('progress.waiting', { prompt: instruction, position: SLOT }),
        '\\d+',
      );
      for (const content of written) {
        const first = content.split('\n')[0]!;
        const known =
          progress.includes(first) ||
          waiting.test(first) ||
          first === SPANISH.t('result.images', { prompt: instruction, member: `<@${user.id}>` });
        expect(known, content).toBe(true);
      }
    } finally {
      world.discord.setPreferredLocale('en-US');
    }
  });

  test('a refine by reply with too many images is refused in the server’s language, counting the Spanish way', async () => {
    world.discord.setPreferredLocale('es-419');
    try {
      const user = member();
      const { picture } = await imagine(user, 'a bowl of fruit', 'en-US');
      const image = await png(8, 8, { r: 200, g: 30, b: 30 });
      // The default model takes 14 images; the picture itself is one of them.
      const attachments = Array.from({ length: 14 }, (_, i) => ({ filename: `extra${i}.png`, data: image }));
      const after = Date.now();
      const reply = await world.discord.dispatchMessage({
        content: 'add these',
        replyTo: picture.id,
        author: user,
        attachments,
      });
      const answer = await world.discord.waitForMessage(
        (m) => m.author.bot && m.messageReference?.messageId === reply.id && m.createdAt >= after,
        10_000,
      );
      expect(answer.content).toBe(
        SPANISH.t('problem', { message: phrase('refine.tooManyImages', { count: 13 }) }),
      );
      expect(answer.content).not.toBe(
        ENGLISH.t('problem', { message: phrase('refine.tooManyImages', { count: 13 }) }),
      );
    } finally {
      world.discord.setPreferredLocale('en-US');
    }
  });

  test('/settings language pins one language for everyone, whatever their Discord speaks', async () => {
    const user = member();
    expect(await emptyPromptAnswer(user, 'en-US')).toBe(emptyPrompt(ENGLISH));
    try {
      // The owner's own answer is already in the language they chose.
      const saved = await pinLanguage('ja');
      expect(saved.split('\n')[0]).toBe(JAPANESE.t('settings.saved'));
      expect(saved).toContain(JAPANESE.t('settings.language', { language: JAPANESE.languageName('ja') }));

      expect(await emptyPromptAnswer(user, 'en-US')).toBe(emptyPrompt(JAPANESE));
      expect(await emptyPromptAnswer(member(), 'es-ES')).toBe(emptyPrompt(JAPANESE));
      const prompt = 'a paper crane';
      const { picture } = await imagine(user, prompt, 'en-US');
      expect(buttonLabels(picture)).toEqual(resultButtons(JAPANESE));
    } finally {
      const back = await pinLanguage('members');
      expect(back.split('\n')[0]).toBe(ENGLISH.t('settings.saved'));
    }
    // Back to each member's own.
    expect(await emptyPromptAnswer(user, 'en-US')).toBe(emptyPrompt(ENGLISH));
    expect(await emptyPromptAnswer(member(), 'ja')).toBe(emptyPrompt(JAPANESE));
  });
});
