import { fileTypeFromBuffer } from 'file-type';

export interface SniffedType {
  readonly mime: string;
  readonly ext: string;
}

/** The real type of some bytes, never the declared one; undefined when the bytes are no known format. */
export async function sniffType(data: Uint8Array): Promise<SniffedType | undefined> {
  if (data.length === 0) return undefined;
  const found = await fileTypeFromBuffer(data);
  if (found) return { mime: found.mime, ext: found.ext === 'jpg' ? 'jpg' : found.ext };
  const head = Buffer.from(data.subarray(0, 512)).toString('utf8').trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) {
    return { mime: 'image/svg+xml', ext: 'svg' };
  }
  return undefined;
}
