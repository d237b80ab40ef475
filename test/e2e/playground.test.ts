import { spawn, type ChildProcess } from 'node:child_process';
import { ENGLISH, voiceFor } from '../../src/text/catalogue.js';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chooseChromium } from '../support/chromium.js';
import { png } from '../support/images.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** The parts of an <img> the tests read, without the DOM's types in a Node project. */
interface Img {
  decode(): Promise<void>;
  naturalWidth: number;
  width: number;
}

/** The screenshot a reviewer looks at: the page after /imagine. */
export const SCREENSHOT = join(ROOT, 'test-output', 'playground-imagine.png');
const ALICE = 'Alice';

/**
 * A fresh clone: the tracked files as they are in the working tree, no .env, no dist. node_modules is
 * linked rather than installed (npm install is the one step a newcomer runs before npm start).
 */
function freshClone(): string {
  const dir = mkdtempSync(join(tmpdir(), 'banana-clone-'));
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
  for (const file of files) {
    if (!file || !existsSync(join(ROOT, file))) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

let clone: string;
let npmStart: ChildProcess;
let output = '';
let url: string;

beforeAll(async () => {
  clone = freshClone();
  // Only what a newcomer's shell has: no token, no key. Port 0: CI may have something on 3000.
  // A limit of 3 a minute (Alice makes three pictures), so the member test reaches it quickly.
  npmStart = spawn('npm', ['start'], {
    cwd: clone,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      PLAYGROUND_PORT: '0',
      USER_RPM: '3',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const collect = (chunk: Buffer) => (output += chunk.toString('utf8'));
  npmStart.stdout?.on('data', collect);
  npmStart.stderr?.on('data', collect);
  const deadline = Date.now() + 110_000;
  for (;;) {
    const found = /Playground: open (http:\/\/\S+)/.exec(output);
    if (found?.[1]) {
      url = found[1];
      break;
    }
    if (npmStart.exitCode !== null || Date.now() > deadline) {
      throw new Error(`npm start did not open the playground:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}, 120_000);

afterAll(async () => {
  // npm does not pass signals on: stop the whole group it started.
  const running = () => npmStart?.exitCode === null && npmStart.signalCode === null;
  const group = npmStart?.pid;
  if (group !== undefined && running()) {
    const exited = new Promise((r) => npmStart.once('exit', r));
    process.kill(-group, 'SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (running()) process.kill(-group, 'SIGKILL');
  }
  if (clone) rmSync(clone, { recursive: true, force: true });
});

describe('npm start on a fresh clone without .env', () => {
  test('reaches the playground: the terminal gives the address and the way to a real Discord, the page answers', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output).toContain('No GEMINI_API_KEY: pictures are offline placeholders');
    expect(output).toMatch(/To run the real bot instead, put DISCORD_TOKEN .* in \.env/);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>#general · banana-bot playground</title>');
    const state = (await (await fetch(`${url}/api/state`)).json()) as {
      placeholders: boolean;
      commands: { name: string }[];
    };
    expect(state.placeholders).toBe(true);
    expect(state.commands.map((c) => c.name)).toEqual(expect.arrayContaining(['imagine', 'edit']));
  });

  test('refuses a post from another site', async () => {
    const res = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ content: 'hi' }),
    });
    expect(res.status).toBe(403);
  });
});

const browserChoice = chooseChromium(process.env);
if (browserChoice.kind === 'skip') console.log(browserChoice.notice);

describe.skipIf(browserChoice.kind === 'skip')('the playground page in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const composer = () => page.getByRole('textbox', { name: 'Message #general' });
  const botMessage = (text: string) =>
    page.locator('#messages li.message[data-author="banana-bot"]', { hasText: text });

  beforeAll(async () => {
    if (browserChoice.kind === 'fail') throw new Error(browserChoice.reason);
    if (browserChoice.kind !== 'use') return;
    // Root (as CI runs) cannot use Chromium's sandbox.
    browser = await chromium.launch({ executablePath: browserChoice.path, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(url);
    await page.locator('#status:text-is("")').waitFor({ state: 'attached' });
  });
  afterAll(() => browser?.close());

  /** What the page showed when a step did not happen, for the failure message (and a screenshot beside it). */
  async function pageState(): Promise<string> {
    await page.screenshot({ path: join(ROOT, 'test-output', 'playground-failure.png') }).catch(() => {});
    return page.evaluate(() => {
      const doc = (
        globalThis as unknown as { document: { activeElement: unknown; querySelector(s: string): unknown } }
      ).document;
      const el = (s: string) =>
        doc.querySelector(s) as { value?: string; hidden?: boolean; textContent?: string } | null;
      const active = doc.activeElement as {
        tagName?: string;
        getAttribute?(n: string): string | null;
      } | null;
      return JSON.stringify({
        composer: el('#channel-composer textarea')?.value,
        active: `${active?.tagName ?? ''} ${active?.getAttribute?.('aria-label') ?? ''}`,
        suggestionsHidden: el('#channel-composer .suggestions')?.hidden,
        suggestions: el('#channel-composer .suggestions')?.textContent,
        status: el('#status')?.textContent,
        lightboxHidden: el('#lightbox')?.hidden,
      });
    });
  }

  /** Types a slash command the way a member does: the name and options from the suggestions, then values. */
  async function slash(name: string, prompt: string) {
    await composer().click();
    await composer().pressSequentially(`/${name.slice(0, 3)}`);
    await page
      .getByRole('option', { name: new RegExp(`^/${name}`) })
      .waitFor()
      .catch(async (err: unknown) => {
        throw new Error(`no /${name} suggestion: ${await pageState()}`, { cause: err });
      });
    await page.keyboard.press('Enter');
    // Each step waits for the page to have taken the key, so a busy machine only makes it slower.
    await expect.poll(() => composer().inputValue()).toBe(`/${name} `);
    await page.getByRole('option', { name: /^prompt/ }).waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => composer().inputValue()).toBe(`/${name} prompt: `);
    await composer().pressSequentially(prompt);
  }

  test('the suggestions stay open when the composer loses its focus for a moment and gets it back', async () => {
    await composer().click();
    await composer().pressSequentially('/ima');
    try {
      const suggestion = page.getByRole('option', { name: /^\/imagine/ });
      await suggestion.waitFor();
      // As a re-render or a closed dialog does: the focus goes and comes back within the blur's delay.
      await composer().evaluate((el) => {
        const input = el as unknown as { blur(): void; focus(): void };
        input.blur();
        input.focus();
      });
      await new Promise((r) => setTimeout(r, 400));
      expect(await suggestion.isVisible()).toBe(true);
    } finally {
      // The next test starts from an empty composer either way.
      await composer().fill('');
    }
  });

  test('/imagine from the suggestions: the progress, then the picture, labelled as a placeholder, full size on click', async () => {
    await slash('imagine', 'a lighthouse at dusk');
    await page.keyboard.press('Enter');
    await botMessage('Generating a lighthouse at dusk').waitFor({ timeout: 30_000 });
    const result = botMessage('a lighthouse at dusk — for @Alice');
    await result.locator('figure[data-placeholder="yes"] img').waitFor({ timeout: 30_000 });
    expect(await result.locator('.placeholder-label').innerText()).toBe(
      'Offline placeholder, not a Gemini picture',
    );
    await result.locator('img').evaluate((img) => (img as unknown as Img).decode());
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    await result.locator('img').click();
    const full = page.locator('#lightbox-image');
    await full.waitFor();
    const size = await full.evaluate((img) => [
      (img as unknown as Img).naturalWidth,
      (img as unknown as Img).width,
    ]);
    expect(size[0]).toBeGreaterThan(500);
    expect(size[1]).toBe(size[0]);
    expect(await page.locator('#lightbox-label').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
  });

  test('/edit with a file from the file picker', async () => {
    await slash('edit', 'make it blue ');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload a file' }).first().click();
    await (await chooser).setFiles({ name: 'photo.png', mimeType: 'image/png', buffer: await png(96, 96) });
    await page.locator('.chip[data-option="image"]', { hasText: 'photo.png' }).waitFor();
    await composer().press('Enter');
    await botMessage('make it blue — for @Alice').locator('img').waitFor({ timeout: 30_000 });
    expect(await composer().inputValue()).toBe('');
  });

  test('a reply to a picture refines it in a thread, which opens beside the channel', async () => {
    const picture = botMessage('a lighthouse at dusk — for @Alice');
    await picture.hover();
    await picture.getByRole('button', { name: 'Reply' }).click();
    await page.getByText('Replying to banana-bot').waitFor();
    await composer().pressSequentially('make the sky warmer');
    await composer().press('Enter');
    const link = picture.locator('.thread-link', { hasText: 'a lighthouse at dusk' });
    await link.waitFor({ timeout: 30_000 });
    await link.click();
    const thread = page.locator('#thread-messages');
    await thread.locator('li.message[data-author="banana-bot"] img').waitFor({ timeout: 30_000 });
    expect(await page.locator('#thread-title').innerText()).toContain('a lighthouse at dusk');
    await page.getByRole('button', { name: 'Close thread' }).click();
  });

  test('members are told apart: Bob hits his limit, and only Bob sees the refusal', async () => {
    await page.getByRole('combobox', { name: 'Member' }).selectOption({ label: 'Bob' });
    for (const n of [1, 2, 3]) {
      await composer().fill(`/imagine prompt: bob's picture ${n}`);
      await composer().press('Enter');
      await botMessage(`bob's picture ${n} — for @Bob`).locator('img').waitFor({ timeout: 30_000 });
    }
    await composer().fill(`/imagine prompt: bob's picture 4`);
    await composer().press('Enter');
    const refusal = page.locator('li.message.ephemeral', { hasText: 'You are going a bit fast' });
    await refusal.waitFor({ timeout: 30_000 });
    expect(await refusal.innerText()).toContain('Only you can see this');

    await page.getByRole('combobox', { name: 'Member' }).selectOption({ label: 'Carol' });
    expect(await refusal.count()).toBe(0);
    await page.getByRole('combobox', { name: 'Member' }).selectOption({ label: ALICE });
  });

  test('the buttons under a result: Reroll answers with a new picture, Edit opens a modal whose words go to the thread', async () => {
    // Carol: Alice and Bob have used their three a minute; this makes three more.
    await page.getByRole('combobox', { name: 'Member' }).selectOption({ label: 'Carol' });
    await composer().fill('/imagine prompt: a red kite');
    await composer().press('Enter');
    const results = botMessage('a red kite — for @Carol').filter({ has: page.locator('img') });
    await results.first().waitFor({ timeout: 30_000 });
    const original = results.first();
    const originalId = await original.getAttribute('data-message-id');

    await original.getByRole('button', { name: 'Reroll' }).click();
    const reroll = results.nth(1);
    await reroll.waitFor({ timeout: 30_000 });
    expect(await reroll.getAttribute('data-message-id')).not.toBe(originalId);
    expect(await reroll.locator('.reply-line').innerText()).toContain('a red kite');

    await original.getByRole('button', { name: 'Edit' }).click();
    const modal = page.getByRole('dialog', { name: 'Edit this picture' });
    await modal.getByRole('textbox', { name: 'What should change?' }).fill('add a second kite');
    await modal.getByRole('button', { name: 'Submit' }).click();
    await modal.waitFor({ state: 'hidden' });
    const link = original.locator('.thread-link', { hasText: 'a red kite' });
    await link.waitFor({ timeout: 30_000 });
    await link.click();
    await page
      .locator('#thread-messages li.message[data-author="banana-bot"]', { hasText: 'add a second kite' })
      .locator('img')
      .waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Close thread' }).click();
    await page.getByRole('combobox', { name: 'Member' }).selectOption({ label: ALICE });
  });

  test('a member who speaks Japanese gets /help in Japanese; back in English, English', async () => {
    const japanese = voiceFor('ja').t('help.text').split('\n')[0]!;
    const english = ENGLISH.t('help.text').split('\n')[0]!;
    await page.getByRole('combobox', { name: 'Discord language' }).selectOption({ label: '日本語' });
    await composer().fill('/help ');
    await composer().press('Enter');
    const help = page.locator('li.message.ephemeral', { hasText: japanese.replace(/\*/g, '') });
    await help.waitFor({ timeout: 30_000 });
    expect(await help.innerText()).not.toContain(english.replace(/\*/g, ''));
    await page.getByRole('combobox', { name: 'Discord language' }).selectOption({ label: 'English' });
    await composer().fill('/help ');
    await composer().press('Enter');
    await page
      .locator('li.message.ephemeral', { hasText: english.replace(/\*/g, '') })
      .waitFor({ timeout: 30_000 });
  });
});
