import { phrase, type Phrase } from '../text/catalogue.js';
import { shorten } from '../text/length.js';

/**
 * The images module's phrases, from the text catalogue, with their parameters laid out (said later,
 * in the member's language).
 * Filenames come from users: they are quoted, stripped of control characters and shortened, so a
 * hostile name cannot break the message layout.
 */

const MAX_NAME = 80;

export function quoteName(filename: string): Phrase {
  // eslint-disable-next-line no-control-regex
  const clean = filename.replace(/[\u0000-\u001f\u007f\u2028\u2029`]/g, '').trim();
  return clean ? phrase('input.quoted', { name: shorten(clean, MAX_NAME) }) : phrase('input.theFile');
}

/** Pixel sizes are written as the image tools write them (1024x768), not as amounts (1,024). */
export const pixelSize = (width: number, height: number) => ({
  width: String(width),
  height: String(height),
});

export const megabytes = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

export const READABLE_FORMATS = phrase('input.formats');

const formats = READABLE_FORMATS;

/** The sentences for input problems; each names the file as quoteName shows it. */
export const inputMessages = {
  empty: (name: string) => phrase('input.empty', { name: quoteName(name) }),
  text: (name: string) => phrase('input.text', { name: quoteName(name), formats }),
  unknown: (name: string) => phrase('input.unknown', { name: quoteName(name), formats }),
  svg: (name: string) => phrase('input.svg', { name: quoteName(name) }),
  pdf: (name: string) => phrase('input.pdf', { name: quoteName(name) }),
  otherType: (name: string, ext: string) =>
    phrase('input.otherType', { name: quoteName(name), type: ext.toUpperCase(), formats }),
  damaged: (name: string) => phrase('input.damaged', { name: quoteName(name) }),
  huge: (name: string, width: number, height: number) =>
    phrase('input.huge', { name: quoteName(name), ...pixelSize(width, height) }),
  bmpUnsupported: (name: string, what: Phrase) =>
    phrase('input.bmpUnsupported', { name: quoteName(name), what }),
  declaredNotImage: (name: string, contentType: string) =>
    phrase('input.declaredNotImage', {
      name: quoteName(name),
      type: contentType.split(';')[0]!.replace(/[^\w.+/-]/g, ''),
    }),
  tooLarge: (name: string, size: number, max: number) =>
    phrase('input.tooLarge', { name: quoteName(name), size: megabytes(size), max: megabytes(max) }),
  tooLargeStream: (name: string, max: number) =>
    phrase('input.tooLargeStream', { name: quoteName(name), max: megabytes(max) }),
  notAllowedHost: (name: string) => phrase('input.notAllowedHost', { name: quoteName(name) }),
  redirectedAway: (name: string) => phrase('input.redirectedAway', { name: quoteName(name) }),
  tooManyRedirects: (name: string) => phrase('input.tooManyRedirects', { name: quoteName(name) }),
  httpStatus: (name: string, status: number) => phrase('input.httpStatus', { name: quoteName(name), status }),
  tooSlow: (name: string) => phrase('input.tooSlow', { name: quoteName(name) }),
  downloadFailed: (name: string) => phrase('input.downloadFailed', { name: quoteName(name) }),
} as const;

export const fitNote = (original: number, limit: number, what: Phrase, size: number) =>
  phrase('fit.note', { original: megabytes(original), limit: megabytes(limit), what, size: megabytes(size) });
