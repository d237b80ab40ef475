import { Locale } from 'discord.js';
import i18next, { type i18n } from 'i18next';
import { en } from './en.js';
import { loadLocales, type LocaleFile } from './locale-files.js';

/**
 * The catalogue of everything a member can read. English (en.ts) holds every key and the types;
 * other languages are files in `src/text/locales`, found at start-up, one per Discord locale.
 *
 * Text is said by a `Voice`, one per language: code that writes to a member is handed the voice of
 * that member (their interaction's locale, or the server's), explicitly. Code that decides what to
 * say before the language is known (an error deep in the image checks, a refusal found by the
 * Gemini adapter) returns a `Phrase`, a key with its parameters, which the voice says later.
 */

/** A plural entry: the form is chosen by `count` with the language's own plural rules. */
interface Plural {
  readonly one: string;
  readonly other: string;
}

type Catalogue = typeof en;

/** Every key of the catalogue, as 'group.name'. */
type Paths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string | Plural ? `${Prefix}${K}` : Paths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

type EntryAt<T, Path extends string> = Path extends `${infer Head}.${infer Rest}`
  ? Head extends keyof T
    ? EntryAt<T[Head], Rest>
    : never
  : Path extends keyof T
    ? T[Path]
    : never;

/** The `{{name}}` parameters a sentence takes. */
type VariablesOf<S> = S extends `${string}{{${infer Name}}}${infer Rest}` ? Name | VariablesOf<Rest> : never;

/** A choice of words, said as a list the local way ("a, b or c"). */
export interface OneOf {
  readonly oneOf: readonly string[];
}

/**
 * A parameter's value: words (the member's own, or a phrase said in the same voice), a number
 * (written the local way) or a list of alternatives.
 */
export type PhraseParam = string | number | Phrase | OneOf;

type ParamsOf<E> = E extends Plural
  ? { readonly count: number } & {
      readonly [V in Exclude<VariablesOf<E['one'] | E['other']>, 'count'>]: PhraseParam;
    }
  : { readonly [V in VariablesOf<E>]: PhraseParam };

export type TextKey = Paths<Catalogue>;
export type TextParams<K extends TextKey> = ParamsOf<EntryAt<Catalogue, K>>;

/** The arguments after the key: none for a sentence without parameters, else its parameters. */
export type TextArgs<K extends TextKey> = keyof TextParams<K> extends never ? [] : [params: TextParams<K>];

/** Something to say, not yet in any language: a key and its parameters. */
export interface Phrase {
  readonly key: TextKey;
  readonly params: Readonly<Record<string, PhraseParam>>;
}

/** The phrase for a key, checked like a sentence: the key exists and takes exactly these parameters. */
export function phrase<K extends TextKey>(key: K, ...args: TextArgs<K>): Phrase {
  return { key, params: args[0] ?? {} };
}

export const isPhrase = (v: unknown): v is Phrase =>
  typeof v === 'object' && v !== null && typeof (v as Phrase).key === 'string' && 'params' in v;

/** i18next spells a plural as sibling keys `name_one` / `name_other`; the catalogue nests them. */
function toResources(node: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.join('\n');
    else if (isPlural(value)) for (const [form, text] of Object.entries(value)) out[`${key}_${form}`] = text;
    else out[key] = toResources(value);
  }
  return out;
}

export const isPlural = (v: unknown): v is Plural =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  typeof (v as Plural).other === 'string' &&
  Object.keys(v).every((k) => ['zero', 'one', 'two', 'few', 'many', 'other'].includes(k));

/** The language every sentence exists in, and the one any other falls back to. */
export const FALLBACK_LOCALE = 'en';

/**
 * Discord locales that speak a language the catalogue has under another name: British English is
 * English, and Spain's Spanish uses the Latin American file until someone adds `es-ES.json`.
 */
const ALIASES: Readonly<Record<string, string>> = { 'en-US': 'en', 'en-GB': 'en', 'es-ES': 'es-419' };

/** Every locale Discord knows: a file named otherwise would never be used. */
export const DISCORD_LOCALES: readonly DiscordLocale[] = Object.values(Locale);

export type DiscordLocale = `${Locale}`;

/** The Intl locale a catalogue language is written in: English as in the US. */
export const intlLocale = (language: string): string => (language === FALLBACK_LOCALE ? 'en-US' : language);

/** One language's way of saying things: its sentences, numbers, money and lists. */
export class Voice {
  private readonly numbers: Intl.NumberFormat;
  private readonly dollars: Intl.NumberFormat;
  /**
   * Sentences without parameters (button labels, headings), said once: i18next's lookup is a
   * measurable part of every message the bot renders, and these never change while it runs.
   */
  private readonly fixed = new Map<string, string>();

  constructor(
    /** The catalogue language this voice speaks ('en', 'ja', …). */
    readonly locale: string,
    private readonly i18n: i18n,
  ) {
    const intl = intlLocale(locale);
    this.numbers = new Intl.NumberFormat(intl);
    // Spend is summed in micro-dollars and often a fraction of a cent: shown to the micro-dollar,
    // at least to the cent, so a figure is exactly what the store recorded.
    this.dollars = new Intl.NumberFormat(intl, {
      style: 'currency',
      currency: 'USD',
      minimumFractionDigits: 2,
      maximumFractionDigits: 6,
    });
  }

  /** The sentence for a key, with its parameters filled in. */
  t<K extends TextKey>(key: K, ...args: TextArgs<K>): string {
    return this.say({ key, params: args[0] ?? {} });
  }

  /** A phrase in this voice; phrases among its parameters are said first, in the same voice. */
  say(p: Phrase): string {
    if (Object.keys(p.params).length === 0) {
      let text = this.fixed.get(p.key);
      if (text === undefined)
        this.fixed.set(p.key, (text = String(this.i18n.t(p.key, { lng: this.locale }))));
      return text;
    }
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(p.params)) {
      if (isPhrase(value)) params[name] = this.say(value);
      else if (typeof value === 'object') params[name] = this.either(value.oneOf);
      // Numbers, count among them, are written the local way.
      else if (typeof value === 'number') params[name] = this.number(value);
      else params[name] = value;
    }
    // `count` (a number) chooses the plural form; `replace` is what fills the placeholders.
    const count = p.params.count;
    return String(
      this.i18n.t(p.key, {
        lng: this.locale,
        replace: params,
        ...(typeof count === 'number' ? { count } : {}),
      }),
    );
  }

  number(n: number): string {
    return this.numbers.format(n);
  }

  /** US dollars, the local way, to the micro-dollar the store sums in. */
  money(usd: number): string {
    return this.dollars.format(Math.round(usd * 1e6) / 1e6);
  }

  /** A catalogue language's name in this voice's language ('ja' -> "Japanese", or "日本語" in Japanese). */
  languageName(language: string): string {
    try {
      return (
        new Intl.DisplayNames(intlLocale(this.locale), { type: 'language' }).of(intlLocale(language)) ??
        language
      );
    } catch {
      return language;
    }
  }

  /** "a, b or c" the local way. */
  either(items: readonly string[]): string {
    // English lists as the catalogue writes them: "a, b or c", no serial comma.
    return new Intl.ListFormat(this.locale === FALLBACK_LOCALE ? 'en-GB' : this.locale, {
      type: 'disjunction',
    }).format(items);
  }
}

function createInstance(files: readonly LocaleFile[]): i18n {
  const instance = i18next.createInstance();
  const resources: Record<string, { translation: Record<string, unknown> }> = {
    [FALLBACK_LOCALE]: { translation: toResources(en) },
  };
  for (const file of files) resources[file.locale] = { translation: toResources(file.entries) };
  void instance.init({
    resources,
    lng: FALLBACK_LOCALE,
    fallbackLng: FALLBACK_LOCALE,
    // Resources are inline: initialise synchronously, so text is ready before anything runs.
    initAsync: false,
    // Discord is not HTML; what needs escaping (markdown, mentions) is escaped where it is echoed.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

const found = loadLocales();
const unknownLocale = (f: LocaleFile) =>
  !(DISCORD_LOCALES as readonly string[]).includes(f.locale) && !Object.values(ALIASES).includes(f.locale);
const files = found.filter((f) => f.problems.length === 0 && !unknownLocale(f));
const instance = createInstance(files);
const voices = new Map<string, Voice>([[FALLBACK_LOCALE, new Voice(FALLBACK_LOCALE, instance)]]);
for (const file of files) voices.set(file.locale, new Voice(file.locale, instance));

/** English: for log lines and for anything said where no member's language applies. */
export const ENGLISH: Voice = voices.get(FALLBACK_LOCALE)!;

/** The catalogue language for a Discord locale, or undefined when there is none. */
export function languageOf(locale: string | null | undefined): string | undefined {
  if (!locale) return undefined;
  const name = ALIASES[locale] ?? locale;
  return voices.has(name) ? name : undefined;
}

/** The voice for a Discord locale; anything the catalogue does not speak is English. */
export function voiceFor(locale: string | null | undefined): Voice {
  return voices.get(languageOf(locale) ?? FALLBACK_LOCALE)!;
}

/** Every language the catalogue speaks, English first. */
export function spokenLanguages(): readonly string[] {
  return [...voices.keys()];
}

/** What the locale files said that was wrong, for the start-up log (a bad file is skipped, not fatal). */
export const localeProblems: readonly string[] = found.flatMap((f) =>
  f.problems.length > 0
    ? f.problems
    : unknownLocale(f)
      ? [`${f.locale}.json: Discord has no locale ${f.locale} (see Discord's list of locales); skipped`]
      : [],
);

/**
 * Discord's `name_localizations` / `description_localizations` for a key: every Discord locale whose
 * language the catalogue speaks, other than English (the command's own name and description).
 */
export function localizations<K extends TextKey>(
  key: K,
  ...args: TextArgs<K>
): Partial<Record<DiscordLocale, string>> {
  const out: Partial<Record<DiscordLocale, string>> = {};
  for (const locale of DISCORD_LOCALES) {
    const language = languageOf(locale);
    if (!language || language === FALLBACK_LOCALE) continue;
    out[locale] = voices.get(language)!.t(key, ...args);
  }
  return out;
}

/** Whether the catalogue has a key (for codes that come from outside, such as Gemini's reasons). */
export function hasText(key: string): key is TextKey {
  return instance.exists(key) || instance.exists(`${key}_other`);
}
