import { text } from '../text/catalogue.js';
import { shorten } from '../text/length.js';

/**
 * The images module's sentences, from the text catalogue, with their parameters laid out.
 * Filenames come from users: they are quoted, stripped of control characters and shortened, so a
 * hostile name cannot break the message layout.
 */

const MAX_NAME = 80;

export function quoteName(filename: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = filename.replace(/[\u0000-\u001f\u007f\u2028\u2029`]/g, '').trim() || text('input.theFile');
  return `“${shorten(clean, MAX_NAME)}”`;
}

export const megabytes = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

export const READABLE_FORMATS = text('input.formats');

const formats = READABLE_FORMATS;

/** The sentences for input problems; each names the file as quoteName shows it. */
export const inputMessages = {
  empty: (name: string) => text('input.empty', { name: quoteName(name) }),
  text: (name: string) => text('input.text', { name: quoteName(name), formats }),
  unknown: (name: string) => text('input.unknown', { name: quoteName(name), formats }),
  svg: (name: string) => text('input.svg', { name: quoteName(name) }),
  pdf: (name: string) => text('input.pdf', { name: quoteName(name) }),
  otherType: (name: string, ext: string) =>
    text('input.otherType', { name: quoteName(name), type: ext.toUpperCase(), formats }),
  damaged: (name: string) => text('input.damaged', { name: quoteName(name) }),
  huge: (name: string, width: number, height: number) =>
    text('input.huge', { name: quoteName(name), width, height }),
  bmpUnsupported: (name: string, what: string) =>
    text('input.bmpUnsupported', { name: quoteName(name), what }),
  declaredNotImage: (name: string, contentType: string) =>
    text('input.declaredNotImage', {
      name: quoteName(name),
      type: contentType.split(';')[0]!.replace(/[^\w.+/-]/g, ''),
    }),
  tooLarge: (name: string, size: number, max: number) =>
    text('input.tooLarge', { name: quoteName(name), size: megabytes(size), max: megabytes(max) }),
  tooLargeStream: (name: string, max: number) =>
    text('input.tooLargeStream', { name: quoteName(name), max: megabytes(max) }),
  notAllowedHost: (name: string) => text('input.notAllowedHost', { name: quoteName(name) }),
  redirectedAway: (name: string) => text('input.redirectedAway', { name: quoteName(name) }),
  tooManyRedirects: (name: string) => text('input.tooManyRedirects', { name: quoteName(name) }),
  httpStatus: (name: string, status: number) => text('input.httpStatus', { name: quoteName(name), status }),
  tooSlow: (name: string) => text('input.tooSlow', { name: quoteName(name) }),
  downloadFailed: (name: string) => text('input.downloadFailed', { name: quoteName(name) }),
} as const;

export const fitNote = (original: number, limit: number, what: string, size: number) =>
  text('fit.note', { original: megabytes(original), limit: megabytes(limit), what, size: megabytes(size) });
