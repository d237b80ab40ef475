import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { customIds } from '../support/components.js';
import { LogEvent } from '../../src/log-events.js';
import { startWorld, type World } from '../emulators/world.js';
import type { FakeUser, InteractionHandle, MessageRecord } from '../../src/playground/discord/index.js';
import { png } from '../support/images.js';
import { ONE_PICTURE_ACTIONS } from '../support/controls.js';

// Two models, so Upscale has somewhere to go and a remix keeps the chosen one; three jobs a minute,
// so the per-minute limit is in reach. Each test acts as members of its own.
let world: World;
beforeAll(async () => {
  world = await startWorld({
    env: { GEMINI_MODELS: 'flash=gemini-3.1-flash-image,pro=gemini-3-pro-image', USER_RPM: '3' },
  });
});
afterAll(() => world?.stop());
beforeEach(() => world.gemini.reset());

let members = 0;
/** A member of the server no other test has used: their per-minute limit is untouched. */
function member(): FakeUser {
  members++;
  return {
    id: `10900000000001${String(members).padStart(5, '0')}`,
    username: `m${members}`,
    globalName: null,
    bot: false,
  };
}

const finishedJobs = () => world.bot.logs().filter((l) => l.event === LogEvent.jobFinished).length;

/** Waits for the next job to finish (its picture and its buttons' request are stored by then). */
async function afterNextJob<T>(start: () => Promise<T>): Promise<T> {
  const before = finishedJobs();
  const value = await start();
  await world.bot.waitForLog(() => finishedJobs() > before, 20_000);
  return value;
}

const withPicture = (m: MessageRecord) => m.attachments.length > 0;

/** /imagine as `user`, resolved with the picture's message once it is stored. */
function imagine(
  user: FakeUser,
  prompt: string,
  options: Record<string, string> = {},
): Promise<MessageRecord> {
  return afterNextJob(async () => {
    const h = await world.discord.dispatchCommand('imagine', { prompt, ...options }, { user });
    return h.waitForOriginal(withPicture, 20_000);
  });
}

const idOf = (message: MessageRecord, action: string) => {
  const id = customIds(message).find((c) => c.startsWith(`v1:${action}:`));
  if (!id) throw new Error(`no ${action} control on message ${message.id}: ${customIds(message).join(', ')}`);
  return id;
};

function press(message: MessageRecord, action: string, user: FakeUser): Promise<InteractionHandle> {
  return world.discord.dispatchComponent({ messageId: message.id, customId: idOf(message, action), user });
}

/** Presses a button that makes a job and resolves with its answer: a new picture under the pressed one. */
function pressForPicture(message: MessageRecord, action: string, user: FakeUser) {
  return afterNextJob(async () => {
    const h = await press(message, action, user);
    return { handle: h, result: await h.waitForOriginal(withPicture, 20_000) };
  });
}

/** The private sentence an interaction was answered with. */
async function privateAnswer(h: InteractionHandle): Promise<string> {
  const answer = await h.waitForOriginal((m) => m.content !== '');
  expect(answer.ephemeral).toBe(true);
  return answer.content;
}

const sameBytes = (a: Buffer, attachment: MessageRecord['attachments'][number]) =>
  a.equals(world.discord.fetchAttachment(attachment.url));

/** Opens a picture's modal (Edit or Remix) and submits `text` into it. */
async function throughModal(message: MessageRecord, action: 'edit' | 'remix', user: FakeUser, text: string) {
  const open = await press(message, action, user);
  await open.waitForCallback();
  const modal = open.state().modal!;
  return { modal, submit: await open.submitModal({ prompt: text }, { user }) };
}

describe('controls under every picture', () => {
  test('a picture carries Reroll, Vary, Edit, Remix, Upscale and Delete, and its prompt as alt text', async () => {
    const picture = await imagine(member(), 'a red fox in the snow');
    const ids = customIds(picture);
    expect(ids.map((id) => id.split(':')[1])).toEqual(ONE_PICTURE_ACTIONS);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(100);
    expect(picture.attachments[0]!.description).toBe(
      'Picture made with Gemini for the prompt: a red fox in the snow',
    );
    // A picture made at 4K has nothing to be upscaled to.
    const big = await imagine(member(), 'a big map', { size: '4K' });
    expect(customIds(big).some((id) => id.includes('upscale'))).toBe(false);
    expect(world.discord.violations).toEqual([]);
  });

  test('Reroll makes the same request again, answering the picture, with buttons of its own', async () => {
    const picture = await imagine(member(), 'a tiny robot', { model: 'pro', aspect_ratio: '16:9' });
    world.gemini.reset();
    const { handle, result } = await pressForPicture(picture, 'reroll', member());
    const [req] = world.gemini.requests;
    expect(req).toMatchObject({ model: 'gemini-3-pro-image', texts: ['a tiny robot'] });
    expect(req!.generationConfig?.imageConfig).toMatchObject({ aspectRatio: '16:9' });
    expect(handle.state().sourceMessageId).toBe(picture.id);
    expect(result.content).toContain('a tiny robot');
    expect(idOf(result, 'reroll')).not.toBe(idOf(picture, 'reroll'));
  });

  test('Vary sends the picture itself with an instruction to keep its subject; Upscale re-renders it at 4K', async () => {
    const picture = await imagine(member(), 'a castle on a hill', { model: 'pro' });
    const user = member();
    world.gemini.reset();
    await pressForPicture(picture, 'vary-strong', user);
    const vary = world.gemini.requests[0]!;
    expect(vary.texts.join(' ')).toMatch(/strong variation.*subject.*a castle on a hill/s);
    expect(vary.images).toHaveLength(1);
    expect(sameBytes(vary.images[0]!.data, picture.attachments[0]!)).toBe(true);

    world.gemini.reset();
    const { result } = await pressForPicture(picture, 'upscale-4K', user);
    const upscale = world.gemini.requests[0]!;
    expect(upscale.model).toBe('gemini-3-pro-image');
    expect(upscale.generationConfig?.imageConfig).toMatchObject({ imageSize: '4K' });
    expect(sameBytes(upscale.images[0]!.data, picture.attachments[0]!)).toBe(true);
    expect(result.content).toContain('a castle on a hill');
  });

  test('Edit asks what should change and refines the picture in its thread, as a reply would', async () => {
    const picture = await imagine(member(), 'a lighthouse at dusk');
    world.gemini.reset();
    const user = member();
    const after = Date.now();
    const { modal, submit } = await afterNextJob(() => throughModal(picture, 'edit', user, 'make it night'));
    expect(modal.title).toBe('Edit this picture');
    expect(await privateAnswer(submit)).toContain(`<#${picture.id}>`);
    const refined = world.discord.messages.find(
      (m) =>
        m.channelId === picture.id && m.author.bot && withPicture(m) && (m.editedAt ?? m.createdAt) >= after,
    )!;
    expect(world.discord.threads.find((t) => t.id === picture.id)?.name).toBe('a lighthouse at dusk');
    const req = world.gemini.requests[0]!;
    expect(req.texts).toEqual(['make it night']);
    expect(req.history[0]).toMatchObject({ role: 'user', parts: [{ text: 'a lighthouse at dusk' }] });
    // The refined picture has buttons too, and its Edit stays in the same thread.
    expect(customIds(refined).length).toBe(8);
  });

  test('Remix opens the prompt pre-filled; the edited prompt makes a new picture with the same settings', async () => {
    const picture = await imagine(member(), 'a green apple', { aspect_ratio: '3:4' });
    world.gemini.reset();
    const user = member();
    const { modal, submit } = await afterNextJob(() => throughModal(picture, 'remix', user, 'a red apple'));
    expect(JSON.stringify(modal.components)).toContain('"value":"a green apple"');
    const result = await submit.waitForOriginal(withPicture);
    expect(result.content).toContain('a red apple');
    const req = world.gemini.requests[0]!;
    expect(req.texts).toEqual(['a red apple']);
    expect(req.generationConfig?.imageConfig).toMatchObject({ aspectRatio: '3:4' });
  });

  test('a result with several pictures gets a menu that says which picture each action is for', async () => {
    world.gemini.enqueue({ kind: 'image', count: 2 });
    const picture = await imagine(member(), 'two kittens');
    expect(picture.attachments).toHaveLength(2);
    const menu = idOf(picture, 'pick');
    world.gemini.reset();
    await afterNextJob(async () => {
      const h = await world.discord.dispatchComponent({
        messageId: picture.id,
        customId: menu,
        values: ['vary-subtle:2'],
        user: member(),
      });
      return h.waitForOriginal(withPicture, 20_000);
    });
    expect(sameBytes(world.gemini.requests[0]!.images[0]!.data, picture.attachments[1]!)).toBe(true);
  });

  test('Delete is refused for another member, and works for the author and for a moderator', async () => {
    const author = member();
    const first = await imagine(author, 'a paper boat');
    expect(await privateAnswer(await press(first, 'delete', member()))).toBe(
      '⚠️ Only the member who asked for this picture, or a moderator, can delete it.',
    );
    expect(first.deleted).toBe(false);
    expect(await privateAnswer(await press(first, 'delete', author))).toBe('Deleted.');
    expect(first.deleted).toBe(true);

    const second = await imagine(author, 'a paper plane');
    expect(await privateAnswer(await press(second, 'delete', world.discord.users.moderator))).toBe(
      'Deleted.',
    );
    expect(second.deleted).toBe(true);
  });

  test('a forged or unknown custom_id names nothing and is refused privately, in one sentence', async () => {
    const picture = await imagine(member(), 'a quiet pond');
    const forge = (customId: string) =>
      world.discord.dispatchComponent({ messageId: picture.id, customId, forged: true, user: member() });
    const unknown = '⚠️ I no longer know this picture, so its buttons cannot do anything.';
    expect(await privateAnswer(await forge('v1:reroll:AAAAAAAAAAAAAAAA'))).toBe(unknown);
    expect(await privateAnswer(await forge('v1:reroll:../../etc/passwd'))).toBe(unknown);
    expect(await privateAnswer(await forge('v7:reroll:AAAAAAAAAAAAAAAA'))).toMatch(/another version of me/);
    // A real id of another picture, shown under this one, is forged too.
    const other = await imagine(member(), 'a loud river');
    expect(await privateAnswer(await forge(idOf(other, 'reroll')))).toBe(unknown);
    expect(world.gemini.requests.filter((r) => r.texts.includes('a quiet pond'))).toHaveLength(1);
  });

  test('Reroll over the per-minute limit is refused privately, and nothing is made', async () => {
    const user = member();
    const picture = await imagine(user, 'a spinning top');
    await pressForPicture(picture, 'reroll', user);
    await pressForPicture(picture, 'reroll', user);
    world.gemini.reset();
    expect(await privateAnswer(await press(picture, 'reroll', user))).toMatch(
      /going a bit fast: 3 pictures a minute/,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(world.gemini.requests).toHaveLength(0);
  });
});

describe('uploads kept only as links', () => {
  /** /edit with one upload as `user`, resolved with the picture's message once it is stored. */
  const edit = (user: FakeUser, prompt: string, data: Buffer) =>
    afterNextJob(async () => {
      const image = { filename: 'hat.png', data };
      const h = await world.discord.dispatchCommand('edit', { prompt, image }, { user });
      return h.waitForOriginal(withPicture, 20_000);
    });

  test('Reroll of an /edit sends the upload again; once its link has expired, Reroll and Remix say so and make nothing, and Vary still works', async () => {
    const user = member();
    const hat = await png(30, 30, { r: 10, g: 200, b: 10 });
    const fresh = await edit(user, 'a hat on a cat', hat);
    world.gemini.reset();
    await pressForPicture(fresh, 'reroll', user);
    expect(world.gemini.requests[0]!.images.map((i) => i.data)).toEqual([hat]);

    // Links handed out from now on last 5-6 s (signed to the second) instead of Discord's day:
    // time enough for a slow machine to download the upload.
    world.discord.setLinkLifetime(6);
    const other = member();
    try {
      const old = await edit(other, 'a hat on a dog', hat);
      // As Discord's CDN: a link past its `ex` is refused, and the same message fetched again has a working one.
      const link = old.attachments[0]!.url;
      const ex = Number.parseInt(new URL(link).searchParams.get('ex')!, 16) * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, ex - Date.now()) + 100));
      const stale = await fetch(link);
      expect([stale.status, await stale.text()]).toEqual([404, 'This content is no longer available.']);

      world.gemini.reset();
      const gone =
        '⚠️ The images uploaded for this picture are gone from Discord (uploads last about a day), so I cannot make it again. Run `/edit` again with them.';
      expect(await privateAnswer(await press(old, 'reroll', other))).toBe(gone);
      // Remix says it before asking for a prompt the member would type for nothing.
      const remix = await press(old, 'remix', other);
      expect(await privateAnswer(remix)).toBe(gone);
      expect(remix.state().modal).toBeNull();
      await new Promise((r) => setTimeout(r, 300));
      expect(world.gemini.requests).toHaveLength(0);

      // Vary works from the result's own picture, whose message Discord hands out with a fresh link.
      await pressForPicture(old, 'vary-subtle', member());
      expect(world.gemini.requests).toHaveLength(1);
      expect(sameBytes(world.gemini.requests[0]!.images[0]!.data, old.attachments[0]!)).toBe(true);
    } finally {
      world.discord.setLinkLifetime(86_400);
    }
    expect(world.discord.violations).toEqual([]);
  });
});

describe('context menus', () => {
  test('Edit with Gemini edits every image of a message; a message without images gets a private answer', async () => {
    const [a, b] = [await png(20, 20, { r: 200, g: 0, b: 0 }), await png(20, 20, { r: 0, g: 0, b: 200 })];
    const message = await world.discord.dispatchMessage({
      content: 'my photos',
      attachments: [
        { filename: 'a.png', data: a },
        { filename: 'b.png', data: b },
      ],
    });
    const user = member();
    const open = await world.discord.dispatchCommand('Edit with Gemini', {}, { targetId: message.id, user });
    await open.waitForCallback();
    expect(open.state().modal?.title).toBe('Edit with Gemini');
    world.gemini.reset();
    await afterNextJob(async () => {
      const submit = await open.submitModal({ prompt: 'put them side by side' }, { user });
      return submit.waitForOriginal(withPicture, 20_000);
    });
    const req = world.gemini.requests[0]!;
    expect(req.texts).toEqual(['put them side by side']);
    expect(req.images.map((i) => i.data)).toEqual([a, b]);

    const plain = await world.discord.dispatchMessage({ content: 'just words' });
    const refused = await world.discord.dispatchCommand('Edit with Gemini', {}, { targetId: plain.id, user });
    expect(await privateAnswer(refused)).toBe('⚠️ That message has no images for me to edit.');
  });
});

describe('after a restart', () => {
  test('every button of a picture made before the restart still works', async () => {
    const picture = await imagine(member(), 'an old windmill', { model: 'pro' });
    await world.bot.stop('SIGTERM');
    await world.startBot();
    const user = member();
    for (const action of ['reroll', 'vary-subtle', 'upscale-2K']) {
      world.gemini.reset();
      const { result } = await pressForPicture(picture, action, action === 'reroll' ? user : member());
      expect(result.content).toContain('an old windmill');
      expect(world.gemini.requests).toHaveLength(1);
    }
    world.gemini.reset();
    await afterNextJob(() => throughModal(picture, 'edit', member(), 'add a rainbow'));
    expect(world.gemini.requests[0]!.texts).toEqual(['add a rainbow']);
    const remix = await afterNextJob(async () => {
      const { submit } = await throughModal(picture, 'remix', member(), 'a new windmill');
      return submit.waitForOriginal(withPicture, 20_000);
    });
    expect(remix.content).toContain('a new windmill');
    const owner = world.discord.users.moderator;
    expect(await privateAnswer(await press(picture, 'delete', owner))).toBe('Deleted.');
    expect(picture.deleted).toBe(true);
    expect(world.discord.violations).toEqual([]);
  });
});
