/**
 * Every sentence the images module shows a user, in one place so the wording stays consistent and
 * tests can match on it. Filenames come from users: they are quoted, stripped of control
 * characters and shortened, so a hostile name cannot break the message layout.
 */

const MAX_NAME = 80;

export function quoteName(filename: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = filename.replace(/[\u0000-\u001f\u007f\u2028\u2029`]/g, '').trim() || 'the file';
  const short = clean.length > MAX_NAME ? `${clean.slice(0, MAX_NAME - 1)}…` : clean;
  return `“${short}”`;
}

export const megabytes = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

export const READABLE_FORMATS = 'PNG, JPEG, WebP, HEIC, GIF, AVIF, TIFF or BMP';

export const inputMessages = {
  empty: (name: string) => `${quoteName(name)} is empty (0 bytes).`,
  text: (name: string) =>
    `${quoteName(name)} is a text file, not an image. Send a ${READABLE_FORMATS} image.`,
  unknown: (name: string) => `${quoteName(name)} is not an image I can read (${READABLE_FORMATS}).`,
  svg: (name: string) =>
    `${quoteName(name)} is an SVG drawing; SVGs are not supported (they can carry scripts). Export it as PNG.`,
  pdf: (name: string) => `${quoteName(name)} is a PDF, not an image. Export the page as PNG or JPEG.`,
  otherType: (name: string, ext: string) =>
    `${quoteName(name)} is in ${ext.toUpperCase()} format, not an image I can use (${READABLE_FORMATS}).`,
  damaged: (name: string) => `${quoteName(name)} looks damaged or truncated; I could not read it.`,
  huge: (name: string, width: number, height: number) =>
    `${quoteName(name)} is ${width}x${height} pixels, far larger than any photo; please send a smaller image.`,
  bmpUnsupported: (name: string, what: string) =>
    `${quoteName(name)} is a BMP I cannot read (${what}); save it as PNG.`,
  declaredNotImage: (name: string, contentType: string) =>
    `${quoteName(name)} is not an image (Discord says ${contentType.split(';')[0]!.replace(/[^\w.+/-]/g, '')}).`,
  tooLarge: (name: string, size: number, max: number) =>
    `${quoteName(name)} is ${megabytes(size)}; the most I accept is ${megabytes(max)}.`,
  tooLargeStream: (name: string, max: number) =>
    `${quoteName(name)} is larger than ${megabytes(max)}, the most I accept.`,
  notAllowedHost: (name: string) =>
    `I can only use images uploaded to Discord; ${quoteName(name)} comes from somewhere else.`,
  redirectedAway: (name: string) =>
    `I could not download ${quoteName(name)}: its link points somewhere other than Discord.`,
  tooManyRedirects: (name: string) => `I could not download ${quoteName(name)} (too many redirects).`,
  httpStatus: (name: string, status: number) =>
    `I could not download ${quoteName(name)} (the server answered ${status}). Try uploading it again.`,
  tooSlow: (name: string) => `Downloading ${quoteName(name)} took too long. Try uploading it again.`,
  downloadFailed: (name: string) => `I could not download ${quoteName(name)}. Try uploading it again.`,
} as const;

export const fitNote = (original: number, limit: number, what: string, size: number) =>
  `The original (${megabytes(original)}) was over Discord’s ${megabytes(limit)} upload limit, so this is ${what} (${megabytes(size)}).`;
