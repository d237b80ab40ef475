/** Lengths and cuts as Discord counts them, shared by everything that writes to Discord. */

/** Characters as Discord counts them: code points, so an emoji is one, not two UTF-16 units. */
export const characterCount = (text: string): number => [...text].length;

/**
 * Cuts text to at most max characters, at a word boundary when one is near, marking the cut.
 * Never splits a surrogate pair, and counts in UTF-16 units, which is never fewer than Discord's
 * count, so the result fits any Discord limit of max.
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  // A high surrogate at the end would be half of a character.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.7 ? cut.slice(0, space) : cut}…`;
}
