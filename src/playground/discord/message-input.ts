import { idText } from './snowflake.js';
import sharp from 'sharp';
import { checkCustomIds } from './component-rules.js';
import { entityTooLarge, invalidFormBody } from './errors.js';
import type { World } from './world.js';
import type { AttachmentRecord, RecordedFile, UploadInput } from './types.js';

export const MessageFlag = {
  SuppressEmbeds: 1 << 2,
  Ephemeral: 1 << 6,
  Loading: 1 << 7,
  SuppressNotifications: 1 << 12,
  IsComponentsV2: 1 << 15,
} as const;

const MAX_CONTENT = 2000;
const MAX_ATTACHMENTS = 10;
const MAX_EMBEDS = 10;
const EMBED_LIMITS: Record<string, number> = { title: 256, description: 4096 };
const MAX_EMBED_TOTAL = 6000;
/** Flags a client may set when creating a message; the rest are Discord's to set. */
const SETTABLE_FLAGS =
  MessageFlag.SuppressEmbeds |
  MessageFlag.Ephemeral |
  MessageFlag.SuppressNotifications |
  MessageFlag.IsComponentsV2;

/** The parts of a message a create or edit request sets; undefined leaves a field as it was. */
export interface MessageChanges {
  content?: string;
  embeds?: unknown[];
  components?: unknown[];
  attachments?: AttachmentRecord[];
  flags?: number;
  allowedMentions?: unknown;
  messageReference?: { message_id?: unknown; channel_id?: unknown; fail_if_not_exists?: unknown } | null;
}

export interface MessageInputLimits {
  attachmentSizeLimit: number;
}

type Body = Record<string, unknown>;

/**
 * Checks a create/edit body like Discord (2000 chars, 10 attachments, 10 embeds, file size) and stores the
 * uploaded files on the CDN. `kept` are the message's current attachments, which an edit may retain by id.
 */
export async function readMessageChanges(
  world: World,
  channelId: string,
  rawBody: unknown,
  files: RecordedFile[],
  limits: MessageInputLimits,
  kept: AttachmentRecord[] = [],
): Promise<MessageChanges> {
  const body: Body = rawBody !== null && typeof rawBody === 'object' ? (rawBody as Body) : {};
  const changes: MessageChanges = {};
  if ('content' in body) {
    const content = body.content ?? '';
    if (typeof content !== 'string') {
      throw invalidFormBody(['content'], 'BASE_TYPE_STRING', 'Must be a string.');
    }
    if ([...content].length > MAX_CONTENT) {
      throw invalidFormBody(
        ['content'],
        'BASE_TYPE_MAX_LENGTH',
        `Must be ${MAX_CONTENT} or fewer in length.`,
      );
    }
    changes.content = content;
  }
  if ('embeds' in body) changes.embeds = checkEmbeds(body.embeds);
  if ('components' in body) {
    changes.components = Array.isArray(body.components) ? body.components : [];
    checkCustomIds(changes.components, ['components']);
  }
  if ('flags' in body) changes.flags = typeof body.flags === 'number' ? body.flags & SETTABLE_FLAGS : 0;
  if ('allowed_mentions' in body) changes.allowedMentions = body.allowed_mentions;
  if ('message_reference' in body) {
    changes.messageReference = body.message_reference ?? null;
  }
  if (files.length > 0 || Array.isArray(body.attachments)) {
    changes.attachments = await resolveAttachments(world, channelId, body.attachments, files, limits, kept);
  }
  return changes;
}

async function resolveAttachments(
  world: World,
  channelId: string,
  declared: unknown,
  files: RecordedFile[],
  limits: MessageInputLimits,
  kept: AttachmentRecord[],
): Promise<AttachmentRecord[]> {
  const entries = Array.isArray(declared) ? (declared as Body[]) : [];
  const keptById = new Map(kept.map((a) => [a.id, a]));
  const uploadsByIndex = new Map<string, RecordedFile>();
  files.forEach((file, position) => {
    const index =
      /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? /^file(\d*)$/.exec(file.field)?.[1] ?? String(position);
    uploadsByIndex.set(index || '0', file);
  });
  // Plan first so an oversized or overfull request stores nothing.
  const plan: (AttachmentRecord | { upload: RecordedFile; entry: Body })[] = [];
  const used = new Set<string>();
  for (const entry of entries) {
    const id = idText(entry.id);
    const previous = keptById.get(id);
    const upload = uploadsByIndex.get(id);
    if (previous) plan.push(previous);
    else if (upload) {
      used.add(id);
      plan.push({ upload, entry });
    }
  }
  // Files without an attachments entry still become attachments, as on Discord.
  for (const [index, upload] of uploadsByIndex) if (!used.has(index)) plan.push({ upload, entry: {} });
  if (plan.length > MAX_ATTACHMENTS) {
    throw invalidFormBody(
      ['attachments'],
      'BASE_TYPE_MAX_LENGTH',
      `Must be ${MAX_ATTACHMENTS} or fewer in length.`,
    );
  }
  if (plan.some((p) => 'upload' in p && p.upload.data.length > limits.attachmentSizeLimit)) {
    throw entityTooLarge();
  }
  const result: AttachmentRecord[] = [];
  for (const item of plan) {
    result.push('upload' in item ? await hostUpload(world, channelId, item.upload, item.entry) : item);
  }
  return result;
}

async function hostUpload(
  world: World,
  channelId: string,
  upload: RecordedFile,
  entry: Body,
): Promise<AttachmentRecord> {
  const filename =
    typeof entry.filename === 'string' && entry.filename !== '' ? entry.filename : upload.filename;
  const attachment = await hostFile(world, channelId, {
    filename,
    data: upload.data,
    contentType: upload.contentType,
  });
  if (typeof entry.description === 'string') attachment.description = entry.description;
  if (typeof entry.title === 'string') attachment.title = entry.title;
  return attachment;
}

/** Stores bytes on the emulator's CDN and describes them as Discord does (image sizes from sharp). */
export async function hostFile(
  world: World,
  channelId: string,
  input: UploadInput,
): Promise<AttachmentRecord> {
  const filename = sanitizeFilename(input.filename);
  const contentType = input.contentType ?? guessContentType(filename);
  const file = world.storeFile(channelId, filename, contentType, input.data);
  const url = world.cdnUrl(file);
  const attachment: AttachmentRecord = {
    id: file.id,
    filename,
    size: input.data.length,
    url,
    proxy_url: url,
    content_type: contentType,
  };
  const dimensions = await imageDimensions(input.data);
  if (dimensions) {
    attachment.width = dimensions.width;
    attachment.height = dimensions.height;
  }
  return attachment;
}

async function imageDimensions(data: Buffer): Promise<{ width: number; height: number } | null> {
  // PNG and JPEG, what bots upload nearly always, are read from their headers: sharp's metadata
  // call costs the emulator's one thread about a millisecond per upload, which a benchmark with
  // thousands of uploads would otherwise count against the bot.
  const fromHeader = pngDimensions(data) ?? jpegDimensions(data);
  if (fromHeader) return fromHeader;
  try {
    const meta = await sharp(data).metadata();
    return meta.width && meta.height ? { width: meta.width, height: meta.height } : null;
  } catch {
    return null;
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk, which must come first. */
function pngDimensions(data: Buffer): { width: number; height: number } | null {
  if (data.length < 24 || !data.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (data.toString('latin1', 12, 16) !== 'IHDR') return null;
  const width = data.readUInt32BE(16);
  const height = data.readUInt32BE(20);
  return width > 0 && height > 0 ? { width, height } : null;
}

/** Width and height from a JPEG's first start-of-frame segment (SOF0-15 but DHT, JPG and DAC). */
function jpegDimensions(data: Buffer): { width: number; height: number } | null {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return null;
  let at = 2;
  while (at + 9 < data.length) {
    if (data[at] !== 0xff) return null;
    const marker = data[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = data.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = data.readUInt16BE(at + 5);
      const width = data.readUInt16BE(at + 7);
      return width > 0 && height > 0 ? { width, height } : null;
    }
    if (marker === 0xd9 || marker === 0xda) return null;
    at += 2 + length;
  }
  return null;
}

/** Discord keeps letters, digits, dots, dashes and underscores; everything else becomes an underscore. */
function sanitizeFilename(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return cleaned === '' ? 'unknown' : cleaned;
}

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  txt: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

function guessContentType(filename: string): string {
  const extension = filename.split('.').pop()?.toLowerCase() ?? '';
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

function checkEmbeds(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw invalidFormBody(['embeds'], 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (value.length > MAX_EMBEDS) {
    throw invalidFormBody(['embeds'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_EMBEDS} or fewer in length.`);
  }
  let total = 0;
  value.forEach((embed: unknown, index) => {
    const fields = (embed ?? {}) as Record<string, unknown>;
    for (const [key, max] of Object.entries(EMBED_LIMITS)) {
      const text = fields[key];
      if (typeof text !== 'string') continue;
      total += text.length;
      if (text.length > max) {
        throw invalidFormBody(
          ['embeds', index, key],
          'BASE_TYPE_MAX_LENGTH',
          `Must be ${max} or fewer in length.`,
        );
      }
    }
    const footer = (fields.footer as Record<string, unknown> | undefined)?.text;
    if (typeof footer === 'string') total += footer.length;
  });
  if (total > MAX_EMBED_TOTAL) {
    throw invalidFormBody(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
  }
  return value;
}
