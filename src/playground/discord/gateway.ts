import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';
import type { RawData } from 'ws';
import { guildPayload, memberPayload, userPayload } from './payloads.js';
import type { World } from './world.js';

export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

const Close = {
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  InvalidIntents: 4013,
  DisallowedIntents: 4014,
} as const;

/** Discord cannot resume a session closed with these codes. */
const SESSION_ENDING_CLOSE_CODES = new Set([1000, 1001, 4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014]);
const HIGHEST_KNOWN_INTENT = 1 << 25;
const REPLAY_LOG_LIMIT = 2000;

export interface GatewaySession {
  id: string;
  intents: number;
  seq: number;
  socket: WebSocket | null;
  resumable: boolean;
  /** READY and GUILD_CREATE were sent: the client can take other dispatches. */
  ready: boolean;
  /** [shard id, shard count] as identified: the session sees the events of its shard's guilds only. */
  shard: [number, number];
  log: { op: 0; t: string; s: number; d: unknown }[];
}

export interface GatewayOptions {
  world: World;
  botToken: string;
  heartbeatIntervalMs: number;
  messageContentIntentAllowed: boolean;
  gatewayUrl: () => string;
}

/** A payload built per session (intents decide what each one may see); null skips that session. */
export type DispatchBuilder = (session: GatewaySession) => unknown;

/** Discord's rule: a guild's events go to shard (guild_id >> 22) % shard_count; DMs to shard 0. */
export function shardOf(guildId: string | undefined, shardCount: number): number {
  return guildId ? Number((BigInt(guildId) >> 22n) % BigInt(shardCount)) : 0;
}

export class Gateway {
  readonly stats = { identifies: 0, resumes: 0, shards: [] as [number, number][] };
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly readyListeners: (() => void)[] = [];

  constructor(private readonly options: GatewayOptions) {
    this.wss.on('connection', (socket) => this.accept(socket));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  hasReadySession(): boolean {
    return [...this.sessions.values()].some((s) => s.ready && s.socket?.readyState === WebSocket.OPEN);
  }

  hasLiveSession(): boolean {
    return [...this.sessions.values()].some((s) => s.resumable || s.socket !== null);
  }

  whenReady(): Promise<void> {
    if (this.hasReadySession()) return Promise.resolve();
    return new Promise((resolve) => this.readyListeners.push(resolve));
  }

  /** Sends an event to every session; disconnected but resumable sessions get it on RESUME. */
  dispatch(event: string, build: DispatchBuilder): void {
    for (const session of this.sessions.values()) {
      if (!session.resumable) continue;
      const data = build(session);
      if (data === null) continue;
      // Guild events carry guild_id; GUILD_UPDATE is the guild object itself, named by its id.
      const guildId =
        event === 'GUILD_UPDATE' ? (data as { id?: unknown }).id : (data as { guild_id?: unknown }).guild_id;
      const [shard, count] = session.shard;
      if (shardOf(typeof guildId === 'string' ? guildId : undefined, count) !== shard) continue;
      this.sendDispatch(session, event, data);
    }
  }

  closeAll(code: number): void {
    for (const session of this.sessions.values()) {
      if (SESSION_ENDING_CLOSE_CODES.has(code)) session.resumable = false;
      session.socket?.close(code, 'closed by the emulator');
    }
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    const connection: { session: GatewaySession | null } = { session: null };
    socket.on('message', (raw) => this.receive(socket, connection, raw));
    socket.on('close', (code) => {
      const session = connection.session;
      if (!session || session.socket !== socket) return;
      session.socket = null;
      session.ready = false;
      if (SESSION_ENDING_CLOSE_CODES.has(code)) session.resumable = false;
    });
    send(socket, {
      op: Op.Hello,
      d: { heartbeat_interval: this.options.heartbeatIntervalMs },
      s: null,
      t: null,
    });
  }

  private receive(socket: WebSocket, connection: { session: GatewaySession | null }, raw: RawData): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(rawToString(raw)) as { op?: unknown; d?: unknown };
    } catch {
      socket.close(Close.DecodeError, 'Error while decoding payload.');
      return;
    }
    const d = (payload.d ?? {}) as Record<string, unknown>;
    switch (payload.op) {
      case Op.Heartbeat:
        send(socket, { op: Op.HeartbeatAck, d: null, s: null, t: null });
        return;
      case Op.Identify:
        if (connection.session) return socket.close(Close.AlreadyAuthenticated, 'Already authenticated.');
        connection.session = this.identify(socket, d);
        return;
      case Op.Resume:
        if (connection.session) return socket.close(Close.AlreadyAuthenticated, 'Already authenticated.');
        connection.session = this.resume(socket, d);
        return;
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
      case Op.RequestGuildMembers:
        if (!connection.session) return socket.close(Close.NotAuthenticated, 'Not authenticated.');
        if (payload.op === Op.RequestGuildMembers) this.sendMemberChunk(connection.session, d);
        return;
      default:
        socket.close(Close.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private tokenMatches(token: unknown): boolean {
    return token === this.options.botToken || token === `Bot ${this.options.botToken}`;
  }

  private identify(socket: WebSocket, d: Record<string, unknown>): GatewaySession | null {
    if (!this.tokenMatches(d.token)) {
      socket.close(Close.AuthenticationFailed, 'Authentication failed.');
      return null;
    }
    const intents = typeof d.intents === 'number' ? d.intents : -1;
    if (!Number.isInteger(intents) || intents < 0 || intents >= HIGHEST_KNOWN_INTENT * 2) {
      socket.close(Close.InvalidIntents, 'Invalid intent(s).');
      return null;
    }
    if ((intents & Intent.MessageContent) !== 0 && !this.options.messageContentIntentAllowed) {
      socket.close(Close.DisallowedIntents, 'Disallowed intent(s).');
      return null;
    }
    const shard: [number, number] =
      Array.isArray(d.shard) && d.shard.length === 2 && d.shard.every((n) => Number.isInteger(n))
        ? [d.shard[0] as number, d.shard[1] as number]
        : [0, 1];
    if (shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1]) {
      socket.close(4010, 'Invalid shard.');
      return null;
    }
    this.stats.identifies += 1;
    this.stats.shards.push(shard);
    const ownsGuild = shardOf(this.options.world.guildId, shard[1]) === shard[0];
    const session: GatewaySession = {
      id: randomBytes(16).toString('hex'),
      intents,
      seq: 0,
      socket,
      resumable: true,
      ready: false,
      shard,
      log: [],
    };
    this.sessions.set(session.id, session);
    const { world } = this.options;
    this.sendDispatch(session, 'READY', {
      v: 10,
      user_settings: {},
      user: { ...userPayload(world.bot), bot: true, verified: true, mfa_enabled: false, email: null },
      guilds: ownsGuild ? [{ id: world.guildId, unavailable: true }] : [],
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.options.gatewayUrl(),
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      auth: {},
      shard,
      application: { id: world.applicationId, flags: 0 },
      _trace: ['["discord-emulator",{"micros":0}]'],
    });
    if (ownsGuild) this.sendDispatch(session, 'GUILD_CREATE', guildPayload(world, true));
    session.ready = true;
    this.notifyReady();
    return session;
  }

  private resume(socket: WebSocket, d: Record<string, unknown>): GatewaySession | null {
    if (!this.tokenMatches(d.token)) {
      socket.close(Close.AuthenticationFailed, 'Authentication failed.');
      return null;
    }
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    if (!session || !session.resumable) {
      send(socket, { op: Op.InvalidSession, d: false, s: null, t: null });
      return null;
    }
    this.stats.resumes += 1;
    session.socket?.close(4000, 'Session resumed elsewhere.');
    session.socket = socket;
    const after = typeof d.seq === 'number' ? d.seq : 0;
    for (const entry of session.log) if (entry.s > after) send(socket, entry);
    this.sendDispatch(session, 'RESUMED', { _trace: ['["discord-emulator",{"micros":0}]'] });
    session.ready = true;
    this.notifyReady();
    return session;
  }

  private sendMemberChunk(session: GatewaySession, d: Record<string, unknown>): void {
    const { world } = this.options;
    const wanted = Array.isArray(d.user_ids)
      ? d.user_ids.map(String)
      : typeof d.user_ids === 'string'
        ? [d.user_ids]
        : null;
    const query = typeof d.query === 'string' ? d.query.toLowerCase() : '';
    const ids = world.guildMemberIds().filter((id) => {
      if (wanted) return wanted.includes(id);
      return (world.users.get(id)?.username ?? '').toLowerCase().startsWith(query);
    });
    this.sendDispatch(session, 'GUILD_MEMBERS_CHUNK', {
      guild_id: world.guildId,
      members: ids.map((id) => memberPayload(world, id)),
      chunk_index: 0,
      chunk_count: 1,
      not_found: wanted ? wanted.filter((id) => !ids.includes(id)) : undefined,
      nonce: d.nonce,
    });
  }

  private sendDispatch(session: GatewaySession, event: string, data: unknown): void {
    session.seq += 1;
    const entry = { op: Op.Dispatch, t: event, s: session.seq, d: data };
    session.log.push(entry);
    if (session.log.length > REPLAY_LOG_LIMIT) session.log.shift();
    if (session.socket?.readyState === WebSocket.OPEN) send(session.socket, entry);
  }

  private notifyReady(): void {
    for (const listener of this.readyListeners.splice(0)) listener();
  }
}

function send(socket: WebSocket, payload: unknown): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
}

function rawToString(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw as ArrayBuffer).toString('utf8');
}
