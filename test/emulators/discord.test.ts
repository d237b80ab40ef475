import { once } from 'node:events';
import { afterEach, describe, expect, test } from 'vitest';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  LabelBuilder,
  MessageFlags,
  MessageType,
  ModalBuilder,
  Routes,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { ChatInputCommandInteraction, Interaction, Message, TextChannel } from 'discord.js';
import sharp from 'sharp';
import { WebSocket } from 'ws';
import {
  Permission,
  DEFAULT_BOT_PERMISSIONS,
  startDiscordEmulator,
} from '../../src/playground/discord/index.js';
import type { DiscordEmulator, DiscordEmulatorOptions } from '../../src/playground/discord/index.js';

const TOKEN = 'emulator-test-token';
const ALL_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
];

let emulator: DiscordEmulator | undefined;
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
  await emulator?.stop();
  emulator = undefined;
});

async function start(options: Partial<DiscordEmulatorOptions> = {}): Promise<DiscordEmulator> {
  emulator = await startDiscordEmulator({ botToken: TOKEN, ...options });
  return emulator;
}

async function connect(
  emu: DiscordEmulator,
  intents: GatewayIntentBits[] = ALL_INTENTS,
): Promise<Client<true>> {
  const client = new Client({ intents, rest: { api: emu.apiUrl } });
  clients.push(client);
  const ready = once(client, Events.ClientReady);
  await client.login(TOKEN);
  await ready;
  return client as Client<true>;
}

function textChannel(client: Client, emu: DiscordEmulator): TextChannel {
  const channel = client.channels.cache.get(emu.channelId);
  if (channel?.type !== ChannelType.GuildText) throw new Error('text channel not cached');
  return channel;
}

/** Runs `handle` for the next slash command and hands back its outcome (or the error it threw). */
function onNextCommand<T>(
  client: Client,
  handle: (i: ChatInputCommandInteraction) => Promise<T>,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (interaction: Interaction) => {
      if (!interaction.isChatInputCommand()) return;
      client.off(Events.InteractionCreate, listener);
      handle(interaction).then(resolve, reject);
    };
    client.on(Events.InteractionCreate, listener);
  });
}

function nextMessage(client: Client, pred: (m: Message) => boolean = () => true): Promise<Message> {
  return new Promise((resolve) => {
    const listener = (message: Message) => {
      if (!pred(message)) return;
      client.off(Events.MessageCreate, listener);
      resolve(message);
    };
    client.on(Events.MessageCreate, listener);
  });
}

const png = (width = 4, height = 3) =>
  sharp({ create: { width, height, channels: 3, background: '#ffcc00' } })
    .png()
    .toBuffer();

async function registerImagine(client: Client<true>): Promise<void> {
  await client.application.commands.set([
    {
      name: 'imagine',
      description: 'Generate an image',
      options: [
        { type: 3, name: 'prompt', description: 'What to draw', required: true, max_length: 100 },
        { type: 3, name: 'style', description: 'Style', choices: [{ name: 'Photo', value: 'photo' }] },
        { type: 11, name: 'image', description: 'Reference image' },
      ],
    },
  ]);
}

describe('Discord emulator with the real discord.js client', () => {
  test('login reaches ClientReady with the guild, channel and bot member cached', async () => {
    const emu = await start();
    const client = await connect(emu);
    const guild = client.guilds.cache.get(emu.guildId);
    expect(guild?.available).toBe(true);
    expect(guild?.members.me?.id).toBe(emu.botUserId);
    const permissions = textChannel(client, emu).permissionsFor(guild!.members.me!);
    expect(permissions.has(['SendMessages', 'AttachFiles', 'CreatePublicThreads'])).toBe(true);
    expect(permissions.has('Administrator')).toBe(false);
    expect(emu.gatewaySessions.identifies).toBe(1);
    await emu.ready();
    expect(emu.violations).toEqual([]);
  });

  test('command registration is recorded and dispatching checks options against it', async () => {
    const emu = await start();
    const client = await connect(emu);
    await registerImagine(client);
    const [command] = emu.commands();
    expect(command).toMatchObject({ name: 'imagine', application_id: emu.applicationId });
    expect(command?.id).toMatch(/^\d{17,19}$/);
    await expect(emu.dispatchCommand('imagine', {})).rejects.toThrow(/needs option "prompt"/);
    await expect(emu.dispatchCommand('imagine', { prompt: 'x', style: 'oil' })).rejects.toThrow(/not one of/);
    await expect(emu.dispatchCommand('imagine', { prompt: 3 })).rejects.toThrow(/expects a string/);
    await expect(emu.dispatchCommand('imagine', { prompt: 'x', seed: 1 })).rejects.toThrow(
      /no option "seed"/,
    );
    await expect(emu.dispatchCommand('paint', {})).rejects.toThrow(/not registered/);
  });

  test('deferReply then editReply with a PNG yields a message whose attachment the CDN serves byte-identically', async () => {
    const emu = await start();
    const client = await connect(emu);
    await registerImagine(client);
    const input = await png(8, 6);
    const output = await png(4, 3);
    const seen = onNextCommand(client, async (interaction) => {
      const reference = interaction.options.getAttachment('image');
      await interaction.deferReply();
      await interaction.editReply({ content: 'done', files: [{ attachment: output, name: 'out.png' }] });
      return {
        prompt: interaction.options.getString('prompt'),
        reference,
        limit: interaction.attachmentSizeLimit,
      };
    });
    const handle = await emu.dispatchCommand('imagine', {
      prompt: 'a banana',
      image: { filename: 'ref.png', data: input },
    });
    const seenByBot = await seen;
    expect(seenByBot.prompt).toBe('a banana');
    expect(seenByBot.reference).toMatchObject({ width: 8, height: 6, contentType: 'image/png' });
    expect(seenByBot.limit).toBe(10 * 1024 * 1024);
    const downloaded = Buffer.from(await (await fetch(seenByBot.reference!.url)).arrayBuffer());
    expect(downloaded.equals(input)).toBe(true);

    const original = await handle.waitForOriginal((m) => m.attachments.length === 1);
    expect(original).toMatchObject({ content: 'done', interactionId: handle.id, flags: 0 });
    expect(original.attachments[0]).toMatchObject({
      filename: 'out.png',
      content_type: 'image/png',
      width: 4,
    });
    const served = Buffer.from(await (await fetch(original.attachments[0]!.url)).arrayBuffer());
    expect(served.equals(output)).toBe(true);
    expect(emu.fetchAttachment(original.attachments[0]!.url).equals(output)).toBe(true);
    expect(handle.state()).toMatchObject({
      acknowledged: true,
      deferred: true,
      originalMessageId: original.id,
    });
    expect(emu.violations).toEqual([]);
  });

  test('a callback after the interaction deadline fails with 10062 and a second callback with 40060', async () => {
    const emu = await start({ interactionDeadlineMs: 150 });
    const client = await connect(emu);
    await registerImagine(client);
    const late = onNextCommand(client, async (interaction) => {
      await new Promise((r) => setTimeout(r, 250));
      return interaction.deferReply().catch((e: unknown) => e);
    });
    await emu.dispatchCommand('imagine', { prompt: 'slow' });
    expect(await late).toMatchObject({ code: 10062, status: 404 });

    const twice = onNextCommand(client, async (interaction) => {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      return client.rest
        .post(Routes.interactionCallback(interaction.id, interaction.token), {
          body: { type: 5 },
          auth: false,
        })
        .catch((e: unknown) => e);
    });
    const handle = await emu.dispatchCommand('imagine', { prompt: 'twice' });
    expect(await twice).toMatchObject({ code: 40060, status: 400 });
    expect(handle.state().ephemeral).toBe(true);
  });

  test('an edit after the interaction token lifetime fails with 50027', async () => {
    const emu = await start({ tokenLifetimeMs: 200 });
    const client = await connect(emu);
    await registerImagine(client);
    const outcome = onNextCommand(client, async (interaction) => {
      await interaction.deferReply();
      await new Promise((r) => setTimeout(r, 300));
      return interaction.editReply('too late').catch((e: unknown) => e);
    });
    await emu.dispatchCommand('imagine', { prompt: 'x' });
    const error = await outcome;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ code: 50027, status: 401 });
  });

  test('a dispatched reply arrives with message.reference and pings the replied-to bot', async () => {
    const emu = await start();
    const client = await connect(emu);
    const botMessage = await textChannel(client, emu).send('first result');
    const arrival = nextMessage(client, (m) => m.author.id === emu.users.bob.id);
    await emu.dispatchMessage({ content: 'make it blue', replyTo: botMessage.id, author: emu.users.bob });
    const reply = await arrival;
    expect(reply.type).toBe(MessageType.Reply);
    expect(reply.reference?.messageId).toBe(botMessage.id);
    expect(reply.mentions.repliedUser?.id).toBe(emu.botUserId);
    expect((await reply.fetchReference()).content).toBe('first result');
  });

  test('without the MessageContent intent a non-mentioning message arrives with empty content', async () => {
    const emu = await start();
    const client = await connect(emu, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]);
    const plain = nextMessage(client, (m) => m.author.id === emu.users.alice.id);
    await emu.dispatchMessage({ content: 'secret', attachments: [{ filename: 'a.png', data: await png() }] });
    const hidden = await plain;
    expect(hidden.content).toBe('');
    expect(hidden.attachments.size).toBe(0);
    const mentioning = nextMessage(client, (m) => m.author.id === emu.users.carol.id);
    await emu.dispatchMessage({ content: 'hello bot', mentionBot: true, author: emu.users.carol });
    expect((await mentioning).content).toBe(`<@${emu.botUserId}> hello bot`);
  });

  test('asking for MessageContent when it is not enabled closes the gateway with 4014', async () => {
    const emu = await start({ messageContentIntentAllowed: false });
    const client = new Client({ intents: ALL_INTENTS, rest: { api: emu.apiUrl } });
    clients.push(client);
    await expect(client.login(TOKEN)).rejects.toThrow(/disallowed intents/i);
  });

  test('IDENTIFY with another token closes 4004 and REST without the bot token answers 401', async () => {
    const emu = await start();
    const socket = new WebSocket(`ws://${emu.cdnHost}/gateway?v=10&encoding=json`);
    socket.on('message', () => socket.send(JSON.stringify({ op: 2, d: { token: 'wrong', intents: 1 } })));
    const [code] = (await once(socket, 'close')) as [number];
    expect(code).toBe(4004);
    const response = await fetch(`${emu.apiUrl}/v10/users/@me`, { headers: { authorization: 'Bot wrong' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 0, message: '401: Unauthorized' });
  });

  test('threads take the message id; a second thread on the same message fails with 160004', async () => {
    const emu = await start();
    const client = await connect(emu);
    const starter = await textChannel(client, emu).send('starter');
    const thread = await starter.startThread({ name: 'refinements', autoArchiveDuration: 60 });
    expect(thread.id).toBe(starter.id);
    expect(thread.parentId).toBe(emu.channelId);
    await thread.send('inside');
    const posted = await emu.waitForMessage((m) => m.content === 'inside');
    expect(posted.channelId).toBe(thread.id);
    expect(emu.threads).toHaveLength(1);
    await expect(starter.startThread({ name: 'again' })).rejects.toMatchObject({ code: 160004, status: 400 });
    await expect(
      (await textChannel(client, emu).send('x')).startThread({ name: 'y'.repeat(101) }),
    ).rejects.toMatchObject({ code: 50035 });
  });

  test('missing permissions are enforced with 50013', async () => {
    const emu = await start({ botPermissions: DEFAULT_BOT_PERMISSIONS & ~Permission.AttachFiles });
    const client = await connect(emu);
    const channel = textChannel(client, emu);
    await expect(channel.send({ files: [{ attachment: await png(), name: 'a.png' }] })).rejects.toMatchObject(
      {
        code: 50013,
        status: 403,
      },
    );
    await expect(channel.send('text is fine')).resolves.toBeDefined();
  });

  test('permissions changed while the bot runs are enforced on posts and edits, and the bot hears of them', async () => {
    const emu = await start();
    const client = await connect(emu);
    const channel = textChannel(client, emu);
    const mine = await channel.send('before');
    const roleUpdated = once(client, Events.GuildRoleUpdate);
    emu.setBotPermissions(DEFAULT_BOT_PERMISSIONS & ~Permission.AttachFiles);
    await roleUpdated;
    expect(channel.permissionsFor(client.user)?.has('AttachFiles')).toBe(false);
    const file = { attachment: await png(), name: 'a.png' };
    await expect(mine.edit({ files: [file] })).rejects.toMatchObject({ code: 50013, status: 403 });
    await expect(mine.edit('words are fine')).resolves.toBeDefined();
    emu.setBotPermissions(DEFAULT_BOT_PERMISSIONS & ~Permission.SendMessages);
    await expect(channel.send('no')).rejects.toMatchObject({ code: 50013 });
    await expect(mine.edit('no')).rejects.toMatchObject({ code: 50013 });
  });

  test('an archived or locked thread refuses edits with 50083, and a locked one posts too', async () => {
    const emu = await start();
    const client = await connect(emu);
    const starter = await textChannel(client, emu).send('starter');
    const thread = await starter.startThread({ name: 'refinements' });
    const inside = await thread.send('inside');
    emu.updateThread(thread.id, { archived: true });
    await expect(inside.edit('edited')).rejects.toMatchObject({ code: 50083, status: 400 });
    // Posting reopens an archived thread that is not locked, as on Discord.
    await expect(thread.send('reopens')).resolves.toBeDefined();
    emu.updateThread(thread.id, { locked: true });
    await expect(thread.send('refused')).rejects.toMatchObject({ code: 50083 });
    await expect(inside.edit('refused')).rejects.toMatchObject({ code: 50083 });
  });

  test('a message deleted by a moderator answers edits with 10008', async () => {
    const emu = await start();
    const client = await connect(emu);
    const mine = await textChannel(client, emu).send('soon gone');
    const deleted = once(client, Events.MessageDelete);
    emu.deleteMessage(mine.id);
    await deleted;
    await expect(mine.edit('too late')).rejects.toMatchObject({ code: 10008, status: 404 });
  });

  test('an injected fault answers matching requests (here every upload) with 500, until it is removed', async () => {
    const emu = await start();
    const client = await connect(emu);
    client.rest.options.retries = 0;
    const channel = textChannel(client, emu);
    const remove = emu.injectFault({ match: (r) => r.files.length > 0 });
    const file = { attachment: await png(), name: 'a.png' };
    await expect(channel.send({ files: [file] })).rejects.toMatchObject({ status: 500 });
    await expect(channel.send('words still go')).resolves.toBeDefined();
    remove();
    await expect(channel.send({ files: [file] })).resolves.toBeDefined();
    // A fault with only a delay slows matching requests down and then lets them through.
    emu.injectFault({ match: (r) => r.method === 'POST', delayMs: 300 });
    const started = Date.now();
    await expect(channel.send('slow')).resolves.toBeDefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test('closeGateway(4000) leads to a RESUME that replays missed dispatches, and later ones still arrive', async () => {
    const emu = await start();
    const client = await connect(emu);
    const resumed = once(client, Events.ShardResume);
    emu.closeGateway(4000);
    const missed = nextMessage(client, (m) => m.content === 'while away');
    await emu.dispatchMessage({ content: 'while away' });
    await resumed;
    await missed;
    expect(emu.gatewaySessions).toMatchObject({ identifies: 1, resumes: 1 });
    const later = nextMessage(client, (m) => m.content === 'after resume');
    await emu.dispatchMessage({ content: 'after resume' });
    await later;
  });

  test('an invalid body is recorded as a spec violation, and an unknown route too', async () => {
    const emu = await start();
    const client = await connect(emu);
    await client.rest.post(Routes.channelMessages(emu.channelId), { body: { content: 'ok', tts: 'yes' } });
    expect(emu.violations).toHaveLength(1);
    expect(emu.violations[0]).toMatchObject({ method: 'POST', route: '/channels/{channel_id}/messages' });
    expect(emu.violations[0]?.errors.join()).toMatch(/tts/);
    await expect(client.rest.get('/nowhere/at/all')).rejects.toMatchObject({ status: 404 });
    expect(emu.violations[1]?.route).toBeNull();
  });

  test('content over 2000 characters and eleven attachments are rejected with 50035', async () => {
    const emu = await start();
    const client = await connect(emu);
    const channel = textChannel(client, emu);
    await expect(channel.send('x'.repeat(2001))).rejects.toMatchObject({ code: 50035, status: 400 });
    const image = await png();
    const files = Array.from({ length: 11 }, (_, i) => ({ attachment: image, name: `${i}.png` }));
    await expect(channel.send({ files })).rejects.toMatchObject({ code: 50035, status: 400 });
    expect(emu.messages).toHaveLength(0);
  });

  test('a file over the attachment limit or a request over the size limit is rejected with 413', async () => {
    const emu = await start({ attachmentSizeLimit: 1024, maxRequestBytes: 64 * 1024 });
    const client = await connect(emu);
    const channel = textChannel(client, emu);
    const big = Buffer.alloc(2048, 1);
    await expect(channel.send({ files: [{ attachment: big, name: 'big.bin' }] })).rejects.toMatchObject({
      code: 40005,
      status: 413,
    });
    const huge = Buffer.alloc(100 * 1024, 1);
    await expect(channel.send({ files: [{ attachment: huge, name: 'huge.bin' }] })).rejects.toMatchObject({
      code: 40005,
      status: 413,
    });
  });

  test('an ephemeral deferral is not dispatched, and the first follow-up replaces it', async () => {
    const emu = await start();
    const client = await connect(emu);
    await registerImagine(client);
    const created: string[] = [];
    client.on(Events.MessageCreate, (m) => created.push(m.id));
    const done = onNextCommand(client, async (interaction) => {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.followUp('only you can see this');
      await interaction.followUp({ content: 'and this', flags: MessageFlags.Ephemeral });
    });
    const handle = await emu.dispatchCommand('imagine', { prompt: 'quiet' });
    await done;
    const state = handle.state();
    expect(emu.messages.find((m) => m.id === state.originalMessageId)).toMatchObject({
      content: 'only you can see this',
      ephemeral: true,
    });
    expect(state.followUpIds).toHaveLength(1);
    expect(created).toEqual([]);
    await expect(
      emu.dispatchMessage({ content: 'reply', replyTo: state.originalMessageId! }),
    ).rejects.toThrow();
  });

  test('a reply with a file and a button, a button click (update) and a modal submit all reach the bot', async () => {
    const emu = await start();
    const client = await connect(emu);
    await registerImagine(client);
    const seen: string[] = [];
    const answer = async (interaction: Interaction) => {
      if (interaction.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('refine').setLabel('Refine').setStyle(ButtonStyle.Primary),
        );
        const response = await interaction.reply({
          content: 'here',
          files: [{ attachment: await png(), name: 'result.png' }],
          components: [row],
          withResponse: true,
        });
        seen.push(`reply ${response.resource?.message?.attachments.size}`);
      } else if (interaction.isButton()) {
        const input = new TextInputBuilder().setCustomId('change').setStyle(TextInputStyle.Short);
        const label = new LabelBuilder().setLabel('What to change').setTextInputComponent(input);
        await interaction.showModal(
          new ModalBuilder().setCustomId('refine-modal').setTitle('Refine').addLabelComponents(label),
        );
        seen.push('modal shown');
      } else if (interaction.isModalSubmit()) {
        seen.push(`submitted ${interaction.fields.getTextInputValue('change')}`);
        await interaction.reply('refining');
      }
    };
    // A handler that fails shows in the test's own expectations; the error is recorded too.
    client.on(Events.InteractionCreate, (interaction) => {
      answer(interaction).catch((err: unknown) => seen.push(`failed ${String(err)}`));
    });
    const command = await emu.dispatchCommand('imagine', { prompt: 'x' });
    const original = await command.waitForOriginal();
    expect(original.attachments[0]).toMatchObject({ filename: 'result.png', width: 4, height: 3 });
    const click = await emu.dispatchComponent({ messageId: original.id, customId: 'refine' });
    await click.waitForCallback();
    expect(click.state().modal?.custom_id).toBe('refine-modal');
    const submit = await click.submitModal({ change: 'bluer' });
    expect((await submit.waitForOriginal()).content).toBe('refining');
    expect(seen).toEqual(['reply 1', 'modal shown', 'submitted bluer']);
    await expect(emu.dispatchComponent({ messageId: original.id, customId: 'nope' })).rejects.toThrow(
      /no component/,
    );
    expect(emu.violations).toEqual([]);
  });
});
