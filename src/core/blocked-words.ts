/**
 * Blocked words for prompts. A prompt and every blocked word are folded the same way (case,
 * compatibility forms, accents, look-alike letters from other scripts, digits and signs used as
 * letters, invisible characters), then a blocked word matches only whole words of the prompt:
 * "ass" blocks "ASS" and "аss" (a Cyrillic a) but not "class" or "assistant".
 */

/** Letters of other scripts, and signs, that read as a Latin letter. */
const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ɡ: 'g',
  ӏ: 'l',
  // Greek
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  ϲ: 'c',
  // Latin look-alikes NFKC keeps
  ı: 'i',
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  // Digits and signs written for letters
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
};

/** Zero-width and joining characters people slip between letters (combining ones go with the accents). */
const INVISIBLE =
  /[\u00AD\u061C\u115F\u1160\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u206F\uFEFF]/gu;

/** A word character after folding: a letter, a digit, or a sign folding gives a letter. */
const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Folds text for matching; the result is lower-case Latin where a reader would see Latin. */
export function foldForMatching(input: string): string {
  const compat = input.normalize('NFKC').replace(INVISIBLE, '').replaceAll('\u200D', '').toLowerCase();
  let out = '';
  for (const ch of compat.normalize('NFD')) {
    // Combining marks (accents) go: "ñ" reads as "n".
    if (/\p{M}/u.test(ch)) continue;
    out += CONFUSABLES[ch] ?? ch;
  }
  return out;
}

/** Splits folded text into words; a sign between two letters (a@b) was folded into a letter. */
function words(folded: string): string[] {
  const list: string[] = [];
  let current = '';
  for (const ch of folded) {
    if (WORD_CHAR.test(ch)) current += ch;
    else if (current) {
      list.push(current);
      current = '';
    }
  }
  if (current) list.push(current);
  return list;
}

/** A blocked-word list, folded once, matched against prompts by whole words and phrases. */
export class BlockedWords {
  private readonly phrases: readonly (readonly string[])[];

  constructor(list: readonly string[]) {
    this.phrases = list.map((w) => words(foldForMatching(w))).filter((p) => p.length > 0);
  }

  get size(): number {
    return this.phrases.length;
  }

  /** The first blocked word or phrase the prompt contains (as folded), or undefined. */
  match(prompt: string): string | undefined {
    if (this.phrases.length === 0) return undefined;
    const said = words(foldForMatching(prompt));
    // Also the prompt with its words joined: "b a d" and "b.a.d" spell "bad".
    const joined = joinSingleLetters(said);
    for (const phrase of this.phrases) {
      if (containsRun(said, phrase) || containsRun(joined, phrase)) return phrase.join(' ');
    }
    return undefined;
  }
}

/** Runs of single letters ("b a d") joined into one word. */
function joinSingleLetters(list: readonly string[]): string[] {
  const out: string[] = [];
  let run = '';
  for (const w of list) {
    if (w.length === 1) run += w;
    else {
      if (run) out.push(run);
      run = '';
      out.push(w);
    }
  }
  if (run) out.push(run);
  return out;
}

function containsRun(haystack: readonly string[], needle: readonly string[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
