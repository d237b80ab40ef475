import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorCore } from './core.js';
import type { EmulatorConfig } from './core.js';
import { Gateway, Intent } from './gateway.js';
import { InteractionDispatcher } from './interactions.js';
import { hostFile } from './message-input.js';
import { guildPayload, rolePayloads } from './payloads.js';
import { DEFAULT_BOT_PERMISSIONS } from './permissions.js';
import type { RouteTable } from './route-types.js';
import { appRoutes } from './routes-app.js';
import { channelRoutes } from './routes-channels.js';
import { interactionRoutes } from './routes-interactions.js';
import { createRequestHandler } from './server.js';
import { loadSpecValidator } from './spec.js';
import type { SpecValidator } from './spec.js';
import { World } from './world.js';
import type {
  AttachmentRecord,
  DiscordEmulator,
  DiscordEmulatorOptions,
  DispatchMessageInput,
  MessageRecord,
} from './types.js';

const MiB = 1024 * 1024;
const DEFAULT_WAIT_MS = 5000;

/** Starts REST, gateway and CDN on one loopback port; the real discord.js client talks to it unchanged. */
export async function startDiscordEmulator(opts: DiscordEmulatorOptions): Promise<DiscordEmulator> {
  const config: EmulatorConfig = {
    botToken: opts.botToken,
    interactionDeadlineMs: opts.interactionDeadlineMs ?? 3000,
    tokenLifetimeMs: opts.tokenLifetimeMs ?? 15 * 60 * 1000,
    attachmentSizeLimit: opts.attachmentSizeLimit ?? 10 * MiB,
    maxRequestBytes: opts.maxRequestBytes ?? 25 * MiB,
    messageContentIntentAllowed: opts.messageContentIntentAllowed ?? true,
    heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 41_250,
  };
  const spec = loadSpecValidator();
  const world = new World({
    botUsername: opts.botUsername ?? 'banana-bot',
    guildName: opts.guildName ?? 'Emulated Guild',
    channelName: opts.channelName ?? 'general',
    extraChannels: opts.extraChannels ?? [],
    botPermissions: opts.botPermissions ?? DEFAULT_BOT_PERMISSIONS,
    preferredLocale: opts.preferredLocale ?? 'en-US',
  });
  let port = 0;
  const gatewayUrl = () => `ws://127.0.0.1:${port}/gateway`;
  const gateway = new Gateway({
    world,
    botToken: config.botToken,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    messageContentIntentAllowed: config.messageContentIntentAllowed,
    gatewayUrl,
  });
  const core = new EmulatorCore(config, world, gateway);
  const routes: RouteTable = {
    ...appRoutes(core, gatewayUrl),
    ...channelRoutes(core),
    ...interactionRoutes(core),
  };
  assertRoutesInSpec(routes, spec);

  const server = createServer(createRequestHandler({ core, spec, routes }));
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/gateway' || path === '/gateway/') gateway.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  world.baseUrl = url;
  const interactions = new InteractionDispatcher(core);

  const dispatchMessage = async (m: DispatchMessageInput): Promise<MessageRecord> => {
    const author = m.author ?? world.namedUsers.alice;
    world.users.set(author.id, author);
    const channelId = m.channelId ?? world.channelId;
    if (!world.findChannel(channelId)) throw new Error(`unknown channel ${channelId}`);
    if (m.replyTo !== undefined) {
      const target = world.messageById.get(m.replyTo);
      if (!target || target.deleted || target.ephemeral || target.channelId !== channelId) {
        throw new Error(
          `cannot reply to message ${m.replyTo}: not a visible message in channel ${channelId}`,
        );
      }
    }
    const botMention = `<@${world.bot.id}>`;
    // A mention is written into the content, as in a real client.
    const content =
      m.mentionBot && !m.content.includes(botMention) ? `${botMention} ${m.content}` : m.content;
    const attachments: AttachmentRecord[] = [];
    for (const upload of m.attachments ?? []) attachments.push(await hostFile(world, channelId, upload));
    return core.createMessage({
      channelId,
      author,
      changes: {
        content,
        attachments,
        messageReference: m.replyTo === undefined ? null : { message_id: m.replyTo },
      },
      replyPing: m.replyPing ?? true,
      extraMentions: m.mentionBot ? [world.bot.id] : [],
    });
  };

  const emulator: DiscordEmulator = {
    url,
    apiUrl: `${url}/api`,
    cdnHost: `127.0.0.1:${port}`,
    applicationId: world.applicationId,
    botUserId: world.bot.id,
    guildId: world.guildId,
    channelId: world.channelId,
    users: world.namedUsers,
    owner: world.owner,
    channelNamed: (name) => world.channelNamed(name),
    requests: core.requests,
    violations: core.violations,
    messages: world.messages,
    threads: world.threads,
    gatewaySessions: gateway.stats,
    commands: (guildId) => [...world.commandsFor(guildId)],
    dispatchCommand: (name, options = {}, ctx = {}) => interactions.command(name, options, ctx),
    dispatchComponent: (input) => interactions.component(input),
    dispatchMessage,
    waitForRequest: (pred, timeoutMs = DEFAULT_WAIT_MS) => core.requestWaiters.wait(pred, timeoutMs),
    waitForMessage: (pred, timeoutMs = DEFAULT_WAIT_MS) => core.messageWaiters.wait(pred, timeoutMs),
    interaction: (id) => {
      const state = world.interactions.get(id);
      if (!state) throw new Error(`unknown interaction ${id}`);
      return state;
    },
    fetchAttachment: (attachmentUrl) => {
      const [, attachmentId] = /\/attachments\/\d+\/(\d+)\//.exec(new URL(attachmentUrl, url).pathname) ?? [];
      const file = attachmentId ? world.files.get(attachmentId) : undefined;
      if (!file) throw new Error(`the emulator's CDN does not serve ${attachmentUrl}`);
      return file.data;
    },
    setLinkLifetime: (seconds) => {
      world.linkLifetimeSeconds = seconds;
    },
    dmChannelId: (user) => world.dmChannelFor(user).id,
    closeGateway: (code) => gateway.closeAll(code),
    setBotPermissions: (permissions) => {
      world.setBotPermissions(permissions);
      const role = rolePayloads(world).find((r) => r.id === world.botRoleId);
      gateway.dispatch('GUILD_ROLE_UPDATE', (session) =>
        (session.intents & Intent.Guilds) === 0 ? null : { guild_id: world.guildId, role },
      );
    },
    setPreferredLocale: (locale) => {
      world.settings.preferredLocale = locale;
      // GUILD_UPDATE carries the guild object, without the counts GET /guilds/{id}?with_counts adds.
      const {
        approximate_member_count: _members,
        approximate_presence_count: _presences,
        ...guild
      } = guildPayload(world, false);
      gateway.dispatch('GUILD_UPDATE', (session) => ((session.intents & Intent.Guilds) === 0 ? null : guild));
    },
    deleteMessage: (messageId) => {
      const message = world.messageById.get(messageId);
      if (!message || message.deleted) throw new Error(`no message ${messageId} to delete`);
      core.deleteMessage(message);
    },
    updateThread: (threadId, changes) => {
      const thread = world.threadById.get(threadId);
      if (!thread) throw new Error(`no thread ${threadId}`);
      if (changes.archived !== undefined) thread.archived = changes.archived;
      if (changes.locked !== undefined) thread.locked = changes.locked;
      core.publishThread('THREAD_UPDATE', thread);
    },
    injectFault: (fault) => {
      const entry = { ...fault, used: 0 };
      core.faults.add(entry);
      return () => core.faults.delete(entry);
    },
    ready: () => gateway.whenReady(),
    stop: async () => {
      for (const waiters of [core.requestWaiters, core.messageWaiters, core.interactionWaiters]) {
        waiters.rejectAll('the Discord emulator stopped');
      }
      await gateway.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return emulator;
}

/**
 * A handler keyed by a template the spec does not have could never be reached, and a write whose body has no
 * schema would go unchecked: fail loudly at start.
 */
function assertRoutesInSpec(routes: RouteTable, spec: SpecValidator): void {
  for (const key of Object.keys(routes)) {
    const [method = '', template = ''] = key.split(' ');
    if (!spec.hasOperation(template, method)) {
      throw new Error(`emulator route ${key} is not in the OpenAPI description`);
    }
    const unchecked = spec.uncheckedBody(template, method);
    if (unchecked !== null) throw new Error(unchecked);
  }
}
