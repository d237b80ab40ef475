import i18next, { type i18n } from 'i18next';
import { en } from './en.js';

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

type ParamsOf<E> = E extends Plural
  ? { readonly count: number } & {
      readonly [V in Exclude<VariablesOf<E['one'] | E['other']>, 'count'>]: string | number;
    }
  : { readonly [V in VariablesOf<E>]: string | number };

export type TextKey = Paths<Catalogue>;
export type TextParams<K extends TextKey> = ParamsOf<EntryAt<Catalogue, K>>;

/** The arguments after the key: none for a sentence without parameters, else its parameters. */
export type TextArgs<K extends TextKey> = keyof TextParams<K> extends never ? [] : [params: TextParams<K>];

/** i18next spells a plural as sibling keys `name_one` / `name_other`; the catalogue nests them. */
function toResources(node: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
    else if (isPlural(value)) for (const [form, text] of Object.entries(value)) out[`${key}_${form}`] = text;
    else out[key] = toResources(value);
  }
  return out;
}

const isPlural = (v: unknown): v is Plural =>
  typeof v === 'object' && v !== null && typeof (v as Plural).one === 'string' && 'other' in v;

/** The language every sentence exists in, and the one any other falls back to. */
export const FALLBACK_LOCALE = 'en';

function createInstance(): i18n {
  const instance = i18next.createInstance();
  void instance.init({
    resources: { [FALLBACK_LOCALE]: { translation: toResources(en) } },
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

const instance = createInstance();

/** The sentence for a key, with its parameters filled in. */
export function text<K extends TextKey>(key: K, ...args: TextArgs<K>): string {
  const params: Record<string, unknown> = args[0] ?? {};
  return String(instance.t(key, params));
}

/** Whether the catalogue has a key (for codes that come from outside, such as Gemini's reasons). */
export function hasText(key: string): key is TextKey {
  return instance.exists(key) || instance.exists(`${key}_other`);
}
