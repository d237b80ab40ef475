import type {
  CommandOptionValue,
  DiscordEmulator,
  FakeUser,
  InteractionHandle,
  UploadInput,
} from '../discord/index.js';

/** Discord's own wait: an interaction nobody answered within 3 s "did not respond". */
const ANSWER_WAIT_MS = 3500;
/** Modals can be submitted long after they opened; keep the latest interactions to find them again. */
const KEPT_INTERACTIONS = 200;

export class BadRequest extends Error {}

/** A file from the page: its name, its type and its bytes in base64. */
export interface PageFile {
  name: string;
  type?: string;
  data: string;
}

export interface InteractionAnswer {
  interactionId: string;
  /** The modal the bot opened in answer, for the page to show. */
  modal: { custom_id: string; title: string; components: unknown[] } | null;
  /** Set when the bot did not acknowledge in time. */
  problem: string | null;
}

/** What the page's members do, turned into what a Discord client would make of it. */
export class PlaygroundActions {
  private readonly handles = new Map<string, InteractionHandle>();

  constructor(private readonly discord: DiscordEmulator) {}

  members(): FakeUser[] {
    return Object.values(this.discord.users);
  }

  async postMessage(body: Record<string, unknown>): Promise<{ id: string }> {
    const author = this.member(body.userId);
    const botName = /@banana-bot\b/g;
    const raw = typeof body.content === 'string' ? body.content : '';
    // Typing the bot's name is how a member mentions it; the client writes the mention as markup.
    const content = raw.replace(botName, `<@${this.discord.botUserId}>`);
    const files = Array.isArray(body.files) ? (body.files as unknown[]).map(toUpload) : [];
    if (content.trim() === '' && files.length === 0) throw new BadRequest('type a message or attach a file');
    const message = await this.discord.dispatchMessage({
      content,
      author,
      channelId: this.channel(body.channelId),
      ...(typeof body.replyTo === 'string' ? { replyTo: body.replyTo } : {}),
      mentionBot: content.includes(`<@${this.discord.botUserId}>`),
      attachments: files,
    });
    return { id: message.id };
  }

  async runCommand(body: Record<string, unknown>): Promise<InteractionAnswer> {
    const user = this.member(body.userId);
    if (typeof body.name !== 'string' || body.name.trim() === '') throw new BadRequest('no command name');
    const options: Record<string, CommandOptionValue> = {};
    const given = (body.options ?? {}) as Record<string, unknown>;
    for (const [name, value] of Object.entries(given)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        options[name] = value;
      } else if (value !== null && typeof value === 'object') {
        options[name] = toUpload(value);
      }
    }
    const handle = await this.discord.dispatchCommand(body.name, options, {
      user,
      ...localeOf(body),
      channelId: this.channel(body.channelId),
      // A message (or user) command from the Apps menu names what it was used on.
      ...(typeof body.targetId === 'string' ? { targetId: body.targetId } : {}),
    });
    return this.answerOf(handle);
  }

  async pressComponent(body: Record<string, unknown>): Promise<InteractionAnswer> {
    const user = this.member(body.userId);
    if (typeof body.messageId !== 'string' || typeof body.customId !== 'string') {
      throw new BadRequest('messageId and customId are needed');
    }
    const values = Array.isArray(body.values) ? body.values.map(String) : undefined;
    const handle = await this.discord.dispatchComponent({
      messageId: body.messageId,
      customId: body.customId,
      user,
      ...localeOf(body),
      ...(values ? { values } : {}),
    });
    return this.answerOf(handle);
  }

  async submitModal(body: Record<string, unknown>): Promise<InteractionAnswer> {
    const user = this.member(body.userId);
    const opener = typeof body.interactionId === 'string' ? this.handles.get(body.interactionId) : undefined;
    if (!opener) throw new BadRequest('that modal is no longer open');
    const values = Object.fromEntries(
      Object.entries((body.values ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
    return this.answerOf(await opener.submitModal(values, { user }));
  }

  private async answerOf(handle: InteractionHandle): Promise<InteractionAnswer> {
    this.handles.set(handle.id, handle);
    for (const id of this.handles.keys()) {
      if (this.handles.size <= KEPT_INTERACTIONS) break;
      this.handles.delete(id);
    }
    try {
      const callback = await handle.waitForCallback(ANSWER_WAIT_MS);
      const modal = callback.type === 9 ? handle.state().modal : null;
      return { interactionId: handle.id, modal, problem: null };
    } catch {
      return { interactionId: handle.id, modal: null, problem: 'The application did not respond' };
    }
  }

  private member(id: unknown): FakeUser {
    const user = this.members().find((u) => u.id === id);
    if (!user) throw new BadRequest(`no member ${String(id)}`);
    return user;
  }

  private channel(id: unknown): string {
    if (id === undefined || id === null || id === '') return this.discord.channelId;
    if (typeof id !== 'string') throw new BadRequest('channelId must be a string');
    return id;
  }
}

/** The member's Discord client language, as the page's language picker says (a Discord locale's shape). */
function localeOf(body: Record<string, unknown>): { locale?: string } {
  const locale = body.locale;
  return typeof locale === 'string' && /^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$/.test(locale) ? { locale } : {};
}

function toUpload(raw: unknown): UploadInput {
  const file = (raw ?? {}) as Partial<PageFile>;
  if (typeof file.name !== 'string' || typeof file.data !== 'string') {
    throw new BadRequest('a file needs a name and its data');
  }
  return {
    filename: file.name,
    data: Buffer.from(file.data, 'base64'),
    ...(file.type ? { contentType: file.type } : {}),
  };
}
