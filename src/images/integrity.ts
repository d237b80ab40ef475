import { crc32 } from 'node:zlib';
import sharp from 'sharp';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Whether a PNG is whole: every chunk inside the file with a matching CRC, ending in IEND. A
 * truncated or overwritten file fails this in microseconds per megabyte, where a full decode of a
 * 1K picture costs tens of milliseconds on every job.
 */
export function pngIsWhole(data: Buffer): boolean {
  if (data.length < PNG_SIGNATURE.length + 12 || !data.subarray(0, 8).equals(PNG_SIGNATURE)) return false;
  let offset = 8;
  while (offset + 12 <= data.length) {
    const length = data.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (end > data.length) return false;
    const typeAndData = data.subarray(offset + 4, offset + 8 + length);
    if (crc32(typeAndData) !== data.readUInt32BE(offset + 8 + length)) return false;
    if (typeAndData.subarray(0, 4).toString('latin1') === 'IEND') return true;
    offset = end;
  }
  return false;
}

/** A JPEG ends with its End Of Image marker; a truncated one does not. */
export function jpegIsWhole(data: Buffer): boolean {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return false;
  // Some encoders pad after EOI; look near the end rather than at the last two bytes only.
  return data.subarray(Math.max(2, data.length - 64)).includes(Buffer.from([0xff, 0xd9]));
}

/** A WebP's RIFF header says how long the file is. */
export function webpIsWhole(data: Buffer): boolean {
  if (data.length < 12 || data.toString('latin1', 0, 4) !== 'RIFF') return false;
  return data.readUInt32LE(4) + 8 <= data.length;
}

/**
 * Whether an output image is whole enough to post: a structural check for the formats Gemini
 * returns, a full decode for anything else.
 */
export async function imageIsWhole(data: Buffer, extension: string): Promise<boolean> {
  if (extension === 'png') return pngIsWhole(data);
  if (extension === 'jpg' || extension === 'jpeg') return jpegIsWhole(data);
  if (extension === 'webp') return webpIsWhole(data);
  try {
    await sharp(data, { failOn: 'error' }).stats();
    return true;
  } catch {
    return false;
  }
}
