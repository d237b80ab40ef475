import { once } from 'node:events';
import { afterEach, describe, expect, test } from 'vitest';
import {
  ApplicationCommandType,
  ButtonStyle,
  Client,
  ComponentType,
  Events,
  GatewayIntentBits,
  Routes,
  LabelBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type Interaction,
  type TextChannel,
} from 'discord.js';
import { startDiscordEmulator, type DiscordEmulator } from '../../src/playground/discord/index.js';
import { png } from '../support/images.js';

const TOKEN = 'emulator-components-token';
let emulator: DiscordEmulator | undefined;
let client: Client<true> | undefined;

afterEach(async () => {
  await client?.destroy();
  await emulator?.stop();
  client = emulator = undefined;
});

/** An emulator and a connected discord.js client whose interactions go to `answer`. */
async function connected(
  answer: (interaction: Interaction) => Promise<unknown>,
  interactionDeadlineMs?: number,
): Promise<{ emu: DiscordEmulator; channel: TextChannel; errors: unknown[] }> {
  const emu = (emulator = await startDiscordEmulator({
    botToken: TOKEN,
    ...(interactionDeadlineMs ? { interactionDeadlineMs } : {}),
  }));
  const c = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.apiUrl } });
  const ready = once(c, Events.ClientReady);
  await c.login(TOKEN);
  await ready;
  client = c as Client<true>;
  const errors: unknown[] = [];
  c.on(Events.InteractionCreate, (i) => void answer(i).catch((err: unknown) => errors.push(err)));
  const channel = (await c.channels.fetch(emu.channelId)) as TextChannel;
  return { emu, channel, errors };
}

const button = (customId: string, extra: Record<string, unknown> = {}) => ({
  type: ComponentType.Button,
  style: ButtonStyle.Secondary,
  label: 'Go',
  custom_id: customId,
  ...extra,
});
const row = (...components: unknown[]) => ({ type: ComponentType.ActionRow, components });

describe('Discord emulator: components, modals and message context menus', () => {
  test('a message command with spaces and capitals registers, and reaches the bot with its target message', async () => {
    const seen: string[] = [];
    const { emu, channel } = await connected(async (i) => {
      if (!i.isMessageContextMenuCommand()) return;
      seen.push(`${i.commandName} on ${i.targetMessage.attachments.size} images`);
      await i.reply({ content: 'ok' });
    });
    await client!.application.commands.set([
      { type: ApplicationCommandType.Message, name: 'Edit with Gemini' },
    ]);
    const target = await channel.send({ files: [{ attachment: await png(), name: 'a.png' }] });
    const h = await emu.dispatchCommand('Edit with Gemini', {}, { targetId: target.id });
    await h.waitForOriginal();
    expect(seen).toEqual(['Edit with Gemini on 1 images']);
    await expect(
      client!.rest.put(Routes.applicationCommands(emu.applicationId), {
        body: [{ type: ApplicationCommandType.Message, name: 'Edit', description: 'not allowed' }],
      }),
    ).rejects.toMatchObject({ code: 50035 });
    expect(emu.violations).toEqual([]);
  });

  test('a custom_id over 100 characters, a missing one and a repeated one are refused as Discord refuses them', async () => {
    const { emu, channel } = await connected(async () => undefined);
    await expect(
      channel.send({ content: 'x', components: [row(button('a'.repeat(101)))] as never }),
    ).rejects.toMatchObject({
      code: 50035,
      status: 400,
    });
    await expect(
      channel.send({ content: 'x', components: [row(button('same'), button('same'))] as never }),
    ).rejects.toMatchObject({
      rawError: { errors: { components: { 0: { components: { 1: { custom_id: {} } } } } } },
    });
    await expect(
      channel.send({ content: 'x', components: [row({ ...button('x'), custom_id: undefined })] as never }),
    ).rejects.toMatchObject({ code: 50035 });
    // Link buttons have a url instead.
    await channel.send({
      content: 'x',
      components: [
        row({ type: 2, style: ButtonStyle.Link, label: 'site', url: 'https://example.com' }),
      ] as never,
    });
    expect(emu.violations.map((v) => v.errors.join()).join()).toMatch(/custom_id/);
  });

  test('an answer to a button is a reply to its message; a disabled button cannot be pressed', async () => {
    const { emu, channel } = await connected(async (i) => {
      if (i.isButton()) await i.reply({ content: 'pressed' });
    });
    const message = await channel.send({
      content: 'buttons',
      components: [row(button('go'), button('off', { disabled: true }))] as never,
    });
    const press = await emu.dispatchComponent({ messageId: message.id, customId: 'go' });
    const answer = await press.waitForOriginal();
    expect(answer.content).toBe('pressed');
    await expect(emu.dispatchComponent({ messageId: message.id, customId: 'off' })).rejects.toThrow(
      /disabled/,
    );
    const payload = (await client!.rest.get(`/channels/${emu.channelId}/messages/${answer.id}`)) as {
      interaction_metadata: { interacted_message_id?: string };
    };
    expect(payload.interaction_metadata.interacted_message_id).toBe(message.id);
  });

  test('a button answered after the 3-second deadline fails with 10062; a modal shows and its text comes back', async () => {
    const { emu, channel, errors } = await connected(async (i) => {
      if (i.isButton() && i.customId === 'slow') {
        await new Promise((r) => setTimeout(r, 250));
        await i.deferUpdate();
      } else if (i.isButton()) {
        const input = new TextInputBuilder()
          .setCustomId('what')
          .setStyle(TextInputStyle.Paragraph)
          .setMaxLength(10);
        await i.showModal(
          new ModalBuilder()
            .setCustomId('v1:edit')
            .setTitle('Edit')
            .addLabelComponents(new LabelBuilder().setLabel('What?').setTextInputComponent(input)),
        );
      } else if (i.isModalSubmit()) {
        await i.reply({ content: `got ${i.fields.getTextInputValue('what')}` });
      }
    }, 150);
    const message = await channel.send({
      content: 'b',
      components: [row(button('slow'), button('modal'))] as never,
    });
    const slow = await emu.dispatchComponent({ messageId: message.id, customId: 'slow' });
    await emu.waitForRequest((r) => r.path.includes(`/interactions/${slow.id}/`));
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toMatchObject([{ code: 10062 }]);

    const open = await emu.dispatchComponent({ messageId: message.id, customId: 'modal' });
    await open.waitForCallback();
    await expect(open.submitModal({ what: 'far too many characters' })).rejects.toThrow(/1-10|0-10/);
    const submit = await open.submitModal({ what: 'bluer' });
    expect((await submit.waitForOriginal()).content).toBe('got bluer');
    expect(emu.violations).toEqual([]);
  });
});
