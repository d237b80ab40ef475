/** Public shapes of the Discord emulator: what tests and the benchmark read and pass in. */

export interface DiscordEmulatorOptions {
  /** Requests must carry `Authorization: Bot <token>`; IDENTIFY/RESUME with another token closes 4004. */
  botToken: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default 3000: an interaction callback after it answers 404 10062. */
  interactionDeadlineMs?: number;
  /** Default 15 min: interaction-token webhook requests after it answer 401 50027. */
  tokenLifetimeMs?: number;
  /** Default 10 MiB per file; sent in every interaction as `attachment_size_limit`. */
  attachmentSizeLimit?: number;
  /** Default 25 MiB per request. */
  maxRequestBytes?: number;
  /** Permissions of the bot's role in the guild; enforced on channel routes. */
  botPermissions?: bigint;
  /** Default true; false closes a gateway that asks for the MessageContent intent with 4014. */
  messageContentIntentAllowed?: boolean;
  /** Default 41250. */
  heartbeatIntervalMs?: number;
  /** Names shown in READY / GET /users/@me and GUILD_CREATE. */
  botUsername?: string;
  guildName?: string;
  channelName?: string;
  /** More text channels of the guild, by name (a moderation log, a second channel for rules). */
  extraChannels?: string[];
  /**
   * Default 'en-US': the guild's `preferred_locale` (the language a Community server set), sent in GUILD_CREATE
   * and as every interaction's `guild_locale`.
   */
  preferredLocale?: string;
}

export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

export interface RecordedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface RecordedRequest {
  method: string;
  /** Path after `/api/v10`, percent-decoded (`/webhooks/1/tok/messages/@original`); CDN paths as served. */
  path: string;
  /** The OpenAPI path template it matched, e.g. `/channels/{channel_id}/messages`; null when unknown. */
  route: string | null;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON body, or the parsed `payload_json` of a multipart body; undefined without a body. */
  body: unknown;
  files: RecordedFile[];
  status: number;
  responseBody: unknown;
  at: number;
}

export interface SpecViolation {
  method: string;
  route: string | null;
  path: string;
  errors: string[];
  at: number;
}

export interface ApplicationCommandOption {
  type: number;
  name: string;
  description?: string;
  required?: boolean;
  choices?: { name: string; value: string | number }[];
  options?: ApplicationCommandOption[];
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  channel_types?: number[];
  autocomplete?: boolean;
  [key: string]: unknown;
}

export interface RegisteredCommand {
  id: string;
  application_id: string;
  version: string;
  guild_id?: string;
  type: number;
  name: string;
  description: string;
  options?: ApplicationCommandOption[];
  default_member_permissions: string | null;
  contexts?: number[] | null;
  integration_types?: number[];
  nsfw: boolean;
  [key: string]: unknown;
}

/** Attachment in Discord's API shape, as messages and interactions carry it. */
export interface AttachmentRecord {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type: string;
  width?: number;
  height?: number;
  description?: string;
  title?: string;
  ephemeral?: boolean;
}

export interface MessageRecord {
  id: string;
  /** The thread's id for messages in a thread. */
  channelId: string;
  guildId: string | null;
  author: FakeUser;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: AttachmentRecord[];
  flags: number;
  /** 0 default, 19 reply, 20 slash-command response. */
  type: number;
  /** Ids of the mentioned users. */
  mentions: string[];
  mentionEveryone: boolean;
  messageReference: { messageId: string; channelId: string; guildId: string | null } | null;
  /** Set for interaction responses (the @original message and follow-ups). */
  interactionId: string | null;
  ephemeral: boolean;
  allowedMentions: unknown;
  reactions: string[];
  createdAt: number;
  editedAt: number | null;
  editCount: number;
  deleted: boolean;
  /** Id of the thread started from this message. */
  threadId: string | null;
}

export interface ThreadRecord {
  id: string;
  parentId: string;
  guildId: string;
  name: string;
  ownerId: string;
  type: number;
  autoArchiveDuration: number;
  createdAt: number;
  archived: boolean;
  locked: boolean;
  messageCount: number;
  memberIds: string[];
}

export interface InteractionCallbackRecord {
  type: number;
  body: unknown;
  status: number;
  at: number;
}

export interface InteractionState {
  id: string;
  token: string;
  /** 2 application command, 3 message component, 5 modal submit. */
  type: number;
  commandName: string | null;
  customId: string | null;
  /** Command type for commands (1 chat input, 2 user, 3 message). */
  commandType: number | null;
  userId: string;
  channelId: string;
  guildId: string | null;
  /** The message whose component was used (component interactions, modals opened from one). */
  sourceMessageId: string | null;
  createdAt: number;
  /** Every callback attempt, including refused ones (status tells). */
  callbacks: InteractionCallbackRecord[];
  acknowledged: boolean;
  deferred: boolean;
  ephemeral: boolean;
  originalMessageId: string | null;
  followUpIds: string[];
  edits: { messageId: string; body: unknown; at: number }[];
  /** The modal shown with callback type 9. */
  modal: { custom_id: string; title: string; components: unknown[] } | null;
  payload: Record<string, unknown>;
}

export type CommandOptionValue = string | number | boolean | UploadInput;

export interface UploadInput {
  filename: string;
  data: Buffer;
  contentType?: string;
}

export interface InteractionContext {
  user?: FakeUser;
  channelId?: string;
  /** null = DM with the user. */
  guildId?: string | null;
  /** Target of a user (type 2) or message (type 3) context-menu command. */
  targetId?: string;
  /**
   * The member's Discord client language, sent as the interaction's `locale` (default 'en-US'; a modal submit
   * keeps the locale of the interaction that opened it).
   */
  locale?: string;
}

export interface InteractionHandle {
  id: string;
  token: string;
  payload: Record<string, unknown>;
  state(): InteractionState;
  /** Resolves with the first callback the bot answered successfully. */
  waitForCallback(timeoutMs?: number): Promise<InteractionCallbackRecord>;
  /** Resolves once the @original message exists and satisfies pred. */
  waitForOriginal(pred?: (m: MessageRecord) => boolean, timeoutMs?: number): Promise<MessageRecord>;
  /** Submits the modal the bot showed for this interaction (values keyed by text-input custom_id). */
  submitModal(values: Record<string, string>, ctx?: InteractionContext): Promise<InteractionHandle>;
}

export interface DispatchMessageInput {
  content: string;
  channelId?: string;
  author?: FakeUser;
  /** Message id: makes a reply (type 19) with message_reference and referenced_message. */
  replyTo?: string;
  /** Default true: a reply pings (mentions) the replied-to author, like Discord's default. */
  replyPing?: boolean;
  mentionBot?: boolean;
  attachments?: UploadInput[];
}

export interface DispatchComponentInput {
  messageId: string;
  customId: string;
  /** Selected values for select menus. */
  values?: string[];
  user?: FakeUser;
  /** Sends the custom_id whether or not the message has such a component, as a crafted client could. */
  forged?: boolean;
  /** The member's Discord client language, sent as the interaction's `locale`; default 'en-US'. */
  locale?: string;
}

/** A fault a test injects: matching requests get this answer instead of reaching their route. */
export interface InjectedFault {
  /** Which requests; e.g. `(r) => r.files.length > 0` for every upload. */
  match: (r: { method: string; route: string | null; path: string; files: RecordedFile[] }) => boolean;
  /** Holds matching requests this long first; with no status given, they then go through as usual. */
  delayMs?: number;
  /** Default 500 (unless only delayMs is given). */
  status?: number;
  /** Discord's JSON error code in the body; default 0. */
  code?: number;
  message?: string;
  /** How many matching requests fail; default every one (Infinity). */
  times?: number;
}

export interface DiscordEmulator {
  url: string;
  apiUrl: string;
  cdnHost: string;
  applicationId: string;
  botUserId: string;
  guildId: string;
  channelId: string;
  /** Ordinary members, and `moderator`, who also has Manage Messages. */
  users: { alice: FakeUser; bob: FakeUser; carol: FakeUser; moderator: FakeUser };
  /** The guild's owner: every permission (Manage Server included), unlike alice, bob and carol. */
  owner: FakeUser;
  /** The id of a guild text channel by name (see DiscordEmulatorOptions.extraChannels). */
  channelNamed(name: string): string;
  requests: RecordedRequest[];
  violations: SpecViolation[];
  messages: MessageRecord[];
  threads: ThreadRecord[];
  gatewaySessions: { identifies: number; resumes: number; shards: [number, number][] };
  commands(guildId?: string): RegisteredCommand[];
  dispatchCommand(
    name: string,
    options?: Record<string, CommandOptionValue>,
    ctx?: InteractionContext,
  ): Promise<InteractionHandle>;
  dispatchComponent(input: DispatchComponentInput): Promise<InteractionHandle>;
  dispatchMessage(m: DispatchMessageInput): Promise<MessageRecord>;
  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  waitForMessage(pred: (m: MessageRecord) => boolean, timeoutMs?: number): Promise<MessageRecord>;
  interaction(id: string): InteractionState;
  fetchAttachment(url: string): Buffer;
  /** How long CDN links handed out from now on stay valid (Discord: a day, 86400 s). */
  setLinkLifetime(seconds: number): void;
  /** The DM channel between the bot and this user (created on first use). */
  dmChannelId(user: FakeUser): string;
  closeGateway(code: number): void;
  /** Changes what the bot's role may do, as a server admin would; the bot hears GUILD_ROLE_UPDATE. */
  setBotPermissions(permissions: bigint): void;
  /** Deletes a message as a moderator would (MESSAGE_DELETE); later edits of it answer 10008. */
  deleteMessage(messageId: string): void;
  /** Sets the guild's preferred locale as a server admin would in Community settings; the bot hears GUILD_UPDATE. */
  setPreferredLocale(locale: string): void;
  /** Archives or locks a thread as a moderator would (THREAD_UPDATE). */
  updateThread(threadId: string, changes: { archived?: boolean; locked?: boolean }): void;
  /** Makes matching REST requests fail; returns a function that removes the fault. */
  injectFault(fault: InjectedFault): () => void;
  ready(): Promise<void>;
  stop(): Promise<void>;
}
