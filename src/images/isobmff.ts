/**
 * Whether a HEIF/HEIC file's top-level boxes are all there: an `ftyp` first, a `meta`, and box
 * sizes that add up to exactly the file. The sharp build we ship can read a HEIC's header but not
 * decode its HEVC pixels, so for those files this is the check that catches a truncated upload
 * before it is sent to Gemini as it is.
 */
export function isCompleteHeif(data: Buffer): boolean {
  const types: string[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (offset + 8 > data.length) return false;
    let size = data.readUInt32BE(offset);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > data.length) return false;
      const large = data.readBigUInt64BE(offset + 8);
      if (large > BigInt(data.length)) return false;
      size = Number(large);
      header = 16;
    } else if (size === 0) {
      size = data.length - offset;
    }
    if (size < header || offset + size > data.length) return false;
    types.push(data.toString('latin1', offset + 4, offset + 8));
    offset += size;
  }
  return types[0] === 'ftyp' && types.includes('meta');
}
