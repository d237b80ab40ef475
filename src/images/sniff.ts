import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';

export interface SniffedType {
  readonly mime: string;
  readonly ext: string;
}

const SVG: SniffedType = { mime: 'image/svg+xml', ext: 'svg' };
/** Enough to get past an XML declaration, comments and a DOCTYPE with a few entities. */
const SVG_HEAD_BYTES = 4096;

/** What sniffType needs of a file: its first bytes and where the rest is. */
export interface FileHead {
  readonly head: Uint8Array;
  readonly path: string;
}

/** Bytes of the head that the checks below read (file-type itself reads a file as far as it needs). */
export const SNIFF_HEAD_BYTES = SVG_HEAD_BYTES;

/**
 * The real type of some bytes, never the declared one; undefined when the bytes are no known
 * format. Never rejects: the bytes may come from anyone, and a parser bug in file-type on some
 * odd input must read as "unknown", not crash the caller.
 */
export async function sniffType(source: Uint8Array | FileHead): Promise<SniffedType | undefined> {
  const head = source instanceof Uint8Array ? source : source.head;
  if (head.length === 0) return undefined;
  // file-type knows no SVG (it says "XML", or for UTF-16 even "MP1"), and no image format starts
  // like markup, so this goes first.
  if (isSvg(head)) return SVG;
  const found = await (
    source instanceof Uint8Array ? fileTypeFromBuffer(source) : fileTypeFromFile(source.path)
  ).catch(() => undefined);
  return found ? { mime: found.mime, ext: found.ext } : undefined;
}

function isSvg(data: Uint8Array): boolean {
  let head = decodeHead(data.subarray(0, SVG_HEAD_BYTES)).toLowerCase();
  // Skip what may legally precede the root element: declarations, comments, a DOCTYPE (whose
  // internal subset, where entity bombs live, ends with "]>").
  for (;;) {
    head = head.trimStart();
    const end = head.startsWith('<?')
      ? head.indexOf('?>') + 2
      : head.startsWith('<!--')
        ? head.indexOf('-->') + 3
        : head.startsWith('<!doctype')
          ? doctypeEnd(head)
          : 0;
    if (end <= 2) break;
    head = head.slice(end);
  }
  return /^<svg[\s>/:]/.test(head);
}

function doctypeEnd(head: string): number {
  const bracket = head.indexOf('[');
  const close = head.indexOf('>');
  if (bracket !== -1 && bracket < close) {
    const subsetEnd = head.indexOf(']>', bracket);
    return subsetEnd === -1 ? -1 : subsetEnd + 2;
  }
  return close === -1 ? -1 : close + 1;
}

function decodeHead(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) {
    const even = buf.subarray(2, 2 + ((buf.length - 2) & ~1));
    return Buffer.from(even).swap16().toString('utf16le');
  }
  return buf.toString('utf8').replace(/^\ufeff/, '');
}

/** True when the first bytes read as ordinary text, so the refusal can say "text file". */
export function looksLikeText(data: Uint8Array): boolean {
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, 1024));
  const text = head.toString('utf8');
  // A cut-off multi-byte character at the end of the sample is fine; one anywhere else is not text.
  const body = text.replace(/\ufffd$/, '');
  // eslint-disable-next-line no-control-regex
  return body.length > 0 && !/[\u0000-\u0008\u000b\u000e-\u001f\u007f\ufffd]/.test(body);
}
