import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import {
  DISCORD_LOCALES,
  ENGLISH,
  isPlural,
  localeProblems,
  spokenLanguages,
  voiceFor,
  type Voice,
} from '../../src/text/catalogue.js';
import type * as Catalogue from '../../src/text/catalogue.js';
import { en } from '../../src/text/en.js';
import { loadLocales, localesFolder } from '../../src/text/locale-files.js';

const ROOT = resolve(import.meta.dirname, '../..');
const LOCALES_DIR = join(ROOT, 'src/text/locales');
/** The translations the bot ships, by catalogue language. */
const TRANSLATIONS = ['es-419', 'hi', 'ja', 'zh-CN'] as const;
type Node = Record<string, unknown>;

/** A locale file as it is on disk, read here without the bot's loader. */
const readLocale = (locale: string): Node =>
  JSON.parse(readFileSync(join(LOCALES_DIR, `${locale}.json`), 'utf8')) as Node;

/** A sentence may be a string, or (help.text) an array of lines. */
const isSentence = (v: unknown): v is string | string[] =>
  typeof v === 'string' || (Array.isArray(v) && v.every((line) => typeof line === 'string'));
const kindOf = (v: unknown) =>
  isSentence(v)
    ? 'sentence'
    : isPlural(v)
      ? 'plural'
      : typeof v === 'object' && v !== null
        ? 'group'
        : typeof v;

/** The texts of an entry: a sentence's lines joined, or every form of a plural. */
const textsOf = (v: unknown): string[] =>
  isSentence(v) ? [typeof v === 'string' ? v : v.join('\n')] : Object.values(v as Node).map(String);

/** `{{name}}` parameters, by name (a format such as `{{count, number}}` names `count`). */
const placeholdersOf = (v: unknown): string[] => [
  ...new Set(
    textsOf(v).flatMap((t) =>
      [...t.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1]!.split(',')[0]!.trim()),
    ),
  ),
];

/** Every key of a catalogue ('group.name') with its entry; a plural is one key. */
function entries(node: Node, prefix = ''): [string, unknown][] {
  return Object.entries(node).flatMap(([k, v]): [string, unknown][] =>
    kindOf(v) === 'group' ? entries(v as Node, `${prefix}${k}.`) : [[`${prefix}${k}`, v]],
  );
}

const categoriesOf = (locale: string) =>
  [...new Intl.PluralRules(locale).resolvedOptions().pluralCategories].sort();

/**
 * What is wrong with a translation against English: keys it lacks or adds, entries of another kind
 * (a sentence for a plural), other placeholders than English's (for plurals, over all the forms),
 * and plural forms other than the language's own categories.
 */
function translationProblems(reference: Node, translation: Node, locale: string): string[] {
  const problems: string[] = [];
  const walk = (ref: Node, tr: Node, prefix: string) => {
    for (const [k, refValue] of Object.entries(ref)) {
      const key = `${prefix}${k}`;
      if (!(k in tr)) {
        problems.push(`missing ${key}`);
        continue;
      }
      const trValue = tr[k];
      if (kindOf(refValue) !== kindOf(trValue)) {
        problems.push(`${key}: a ${kindOf(trValue)} where English has a ${kindOf(refValue)}`);
        continue;
      }
      if (kindOf(refValue) === 'group') {
        walk(refValue as Node, trValue as Node, `${key}.`);
        continue;
      }
      const want = placeholdersOf(refValue).sort();
      const got = placeholdersOf(trValue).sort();
      if (want.join() !== got.join())
        problems.push(`${key}: placeholders [${got.join()}], English has [${want.join()}]`);
      if (textsOf(trValue).some((t) => t.trim() === '')) problems.push(`${key}: an empty sentence`);
      if (kindOf(refValue) === 'plural') {
        const forms = Object.keys(trValue as Node).sort();
        const expected = categoriesOf(locale);
        if (forms.join() !== expected.join())
          problems.push(`${key}: plural forms [${forms.join()}], ${locale} has [${expected.join()}]`);
      }
    }
    for (const k of Object.keys(tr)) if (!(k in ref)) problems.push(`extra ${prefix}${k}`);
  };
  walk(reference, translation, '');
  return problems;
}

const keyProblems = (problems: string[]) => problems.filter((p) => /^(missing|extra) /.test(p));
const otherProblems = (problems: string[]) => problems.filter((p) => !/^(missing|extra) /.test(p));

describe('the locale files', () => {
  test('the bot finds exactly the shipped translations, with nothing to report', () => {
    expect(
      readdirSync(LOCALES_DIR)
        .filter((name) => name.endsWith('.json'))
        .sort(),
    ).toEqual(TRANSLATIONS.map((l) => `${l}.json`));
    expect(localesFolder()).toBe(LOCALES_DIR);
    expect(loadLocales().map((f) => [f.locale, f.problems])).toEqual(TRANSLATIONS.map((l) => [l, []]));
    expect(localeProblems).toEqual([]);
    expect([...spokenLanguages()]).toEqual(['en', ...TRANSLATIONS]);
  });

  test.each(TRANSLATIONS)('%s has every key of en.ts and no other', (locale) => {
    expect(keyProblems(translationProblems(en, readLocale(locale), locale))).toEqual([]);
  });

  test.each(TRANSLATIONS)("%s keeps English's placeholders and its language's own plural forms", (locale) => {
    expect(otherProblems(translationProblems(en, readLocale(locale), locale))).toEqual([]);
  });

  test('the comparison catches a missing key, an extra key, a lost placeholder and wrong plural forms', () => {
    // A copy of a shipped translation, broken on purpose: the checks above must be able to fail.
    // Only what the breakage adds is compared, so the test holds whatever the file itself lacks.
    const original = readLocale('ja');
    const broken = structuredClone(original) as Record<string, Record<string, unknown>>;
    delete broken.failure!.generic;
    broken.failure!.unheardOf = 'どこにもない文';
    broken.extraGroup = { sentence: 'x' };
    broken.progress!.next = '⏳ 次の番です: **{{promt}}**';
    broken.limits!.daily = { one: '{{count}}枚 {{when}}', other: '{{count}}枚 {{when}}' };
    (broken.usage as Node).pictures = '{{count}}枚';
    const before = new Set(translationProblems(en, original, 'ja'));
    const added = translationProblems(en, broken, 'ja').filter((p) => !before.has(p));
    expect(added.sort()).toEqual(
      [
        'missing failure.generic',
        'extra failure.unheardOf',
        'extra extraGroup',
        'progress.next: placeholders [promt], English has [prompt]',
        'limits.daily: plural forms [one,other], ja has [other]',
        'usage.pictures: a sentence where English has a plural',
      ].sort(),
    );
    expect(keyProblems(added)).toHaveLength(3);
    // Spanish needs its third form, `many`.
    const spanish = readLocale('es-419');
    const withoutMany = structuredClone(spanish) as Record<string, Record<string, Node>>;
    delete withoutMany.limits!.daily!.many;
    const spanishBefore = new Set(translationProblems(en, spanish, 'es-419'));
    expect(translationProblems(en, withoutMany, 'es-419').filter((p) => !spanishBefore.has(p))).toEqual([
      'limits.daily: plural forms [one,other], es-419 has [many,one,other]',
    ]);
  });

  test('every sentence of en.ts has well-formed placeholders and every plural the forms English needs', () => {
    for (const [key, value] of entries(en)) {
      for (const text of textsOf(value))
        expect(text.replace(/\{\{\w+\}\}/g, ''), key).not.toMatch(/\{\{|\}\}/);
      if (isPlural(value)) expect(Object.keys(value).sort(), key).toEqual(categoriesOf('en'));
    }
  });
});

/** Every .ts file under a folder of the repository. */
function sources(folder: string): string[] {
  return readdirSync(join(ROOT, folder)).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Keys the code builds from a template literal, so no literal names them. Each names the file and
 * the template it comes from: a test below checks the template is still there.
 */
const DYNAMIC_KEYS = [
  // src/gemini/refusals.ts: Gemini's finishReason or blockReason, `refusal.${source}.${reason}`,
  // with `refusal.${source}.unknown` for a reason the catalogue has no sentence for.
  { prefix: 'refusal.output.', file: 'src/gemini/refusals.ts', template: '`refusal.${source}.${reason}`' },
  { prefix: 'refusal.prompt.', file: 'src/gemini/refusals.ts', template: '`refusal.${source}.unknown`' },
  // src/discord/render.ts: why a picture could not be posted (a DeliveryProblem).
  { prefix: 'delivery.problem.', file: 'src/discord/render.ts', template: '`delivery.problem.${problem}`' },
  // src/discord/moderation-log.ts: how a job ended, in the moderators' log line.
  {
    prefix: 'moderation.outcome.',
    file: 'src/discord/moderation-log.ts',
    template: '`moderation.outcome.${outcome}`',
  },
] as const;

describe('no unused key', () => {
  const code = [...sources('src'), ...sources('commands')]
    .filter((path) => path !== join('src', 'text', 'en.ts'))
    .map((path) => readFileSync(join(ROOT, path), 'utf8'))
    .join('\n');
  const named = (key: string) => ["'", '"', '`'].some((q) => code.includes(`${q}${key}${q}`));

  test('every key of en.ts is named in the code, or is reached through a listed template', () => {
    const unused = entries(en)
      .map(([key]) => key)
      .filter((key) => !named(key) && !DYNAMIC_KEYS.some((d) => key.startsWith(d.prefix)));
    expect(unused).toEqual([]);
  });

  test.each(DYNAMIC_KEYS)(
    '$template is still in $file and reaches keys of en.ts',
    ({ prefix, file, template }) => {
      expect(readFileSync(join(ROOT, file), 'utf8')).toContain(template);
      expect(entries(en).filter(([key]) => key.startsWith(prefix)).length).toBeGreaterThan(0);
    },
  );

  test('the check finds a key nobody names', () => {
    expect(named('failure.generic')).toBe(true);
    expect(named('failure.neverWritten')).toBe(false);
  });
});

/** What to count in a sentence: each key with the parameters besides `count`. */
const PLURAL_SENTENCES = {
  'limits.daily': (v: Voice, count: number) => v.t('limits.daily', { count, when: '<t:1700000000:R>' }),
  'usage.pictures': (v: Voice, count: number) => v.t('usage.pictures', { count }),
  'refine.tooManyImages': (v: Voice, count: number) => v.t('refine.tooManyImages', { count }),
  'result.omitted': (v: Voice, count: number) => v.t('result.omitted', { count }),
} as const;
const PLURAL_KEYS = Object.keys(PLURAL_SENTENCES) as (keyof typeof PLURAL_SENTENCES)[];
const COUNTS = [0, 1, 2, 5, 1_000_000];
const LANGUAGES = ['en', ...TRANSLATIONS] as const;

/** The raw form of a plural key in a language's file (English from en.ts). */
function formOf(language: string, key: string, form: string): string {
  const catalogue = language === 'en' ? (en as unknown as Node) : readLocale(language);
  const plural = key.split('.').reduce<unknown>((node, k) => (node as Node)[k], catalogue) as Node;
  return String(plural[form]);
}

describe('plural sentences in every language', () => {
  const cases = LANGUAGES.flatMap((language) =>
    PLURAL_KEYS.flatMap((key) => COUNTS.map((count) => [language, key, count] as const)),
  );

  test.each(cases)('%s %s with count %i', (language, key, count) => {
    const voice = voiceFor(language);
    const sentence = PLURAL_SENTENCES[key](voice, count);
    expect(sentence).not.toMatch(/\{\{|\}\}/);
    // The count is written the local way (1,000,000; in Hindi 10,00,000).
    expect(sentence).toContain(voice.number(count));
    // It is the form the language's plural rules choose, with the count filled in.
    // (Spanish: `one` for 1, `many` for a million, `other` for the rest; Hindi: `one` for 0 and 1.)
    const form = new Intl.PluralRules(language === 'en' ? 'en-US' : language).select(count);
    expect(sentence).toBe(
      formOf(language, key, form)
        .replace('{{count}}', voice.number(count))
        .replace('{{when}}', '<t:1700000000:R>'),
    );
  });

  test.each(PLURAL_KEYS.flatMap((key) => COUNTS.map((count) => [key, count] as const)))(
    '%s with count %i reads differently in every language',
    (key, count) => {
      const sentences = LANGUAGES.map((language) => PLURAL_SENTENCES[key](voiceFor(language), count));
      expect(new Set(sentences).size).toBe(LANGUAGES.length);
    },
  );

  test.each(PLURAL_KEYS)('Spanish says %s for 1 and for 2 in different forms', (key) => {
    const spanish = voiceFor('es-419');
    const one = PLURAL_SENTENCES[key](spanish, 1).replace('1', '#');
    const two = PLURAL_SENTENCES[key](spanish, 2).replace('2', '#');
    expect(one).not.toBe(two);
  });
});

describe('numbers, money and lists the local way', () => {
  // Written out as each language writes them (Node's ICU): US dollars to the micro-dollar, at least cents.
  test.each([
    // English lists as the catalogue's sentences are written: no serial comma.
    ['en', '1,234,567.5', '$0.039', '$12.50', '$1.234568', 'a, b or c'],
    ['es-419', '1,234,567.5', 'USD\u00a00.039', 'USD\u00a012.50', 'USD\u00a01.234568', 'a, b o c'],
    ['ja', '1,234,567.5', '$0.039', '$12.50', '$1.234568', 'a、b、またはc'],
    ['zh-CN', '1,234,567.5', 'US$0.039', 'US$12.50', 'US$1.234568', 'a、b或c'],
    ['hi', '12,34,567.5', '$0.039', '$12.50', '$1.234568', 'a, b या c'],
  ])('%s', (language, number, small, whole, micro, list) => {
    const voice = voiceFor(language);
    expect(voice.locale).toBe(language);
    expect(voice.number(1_234_567.5)).toBe(number);
    expect(voice.money(0.039)).toBe(small);
    expect(voice.money(12.5)).toBe(whole);
    expect(voice.money(1.2345678)).toBe(micro);
    expect(voice.either(['a', 'b', 'c'])).toBe(list);
  });

  test('a language is named in the voice’s own language', () => {
    expect(ENGLISH.languageName('ja')).toBe('Japanese');
    expect(voiceFor('ja').languageName('ja')).toBe('日本語');
    expect(voiceFor('es-419').languageName('ja')).toBe('japonés');
  });
});

describe('voiceFor', () => {
  test.each([
    ['es-ES', 'es-419'],
    ['es-419', 'es-419'],
    ['en-GB', 'en'],
    ['en-US', 'en'],
    ['fr', 'en'],
    ['ja', 'ja'],
    ['zh-CN', 'zh-CN'],
    ['zh-TW', 'en'],
    ['hi', 'hi'],
  ])('%s speaks %s', (discordLocale, language) => {
    expect(DISCORD_LOCALES).toContain(discordLocale);
    const voice = voiceFor(discordLocale);
    expect(voice.locale).toBe(language);
    const expected = language === 'en' ? en.prompt.empty : (readLocale(language).prompt as Node).empty;
    expect(voice.t('prompt.empty')).toBe(expected);
  });

  test('no locale, or one Discord does not have, is English', () => {
    expect(voiceFor(undefined)).toBe(ENGLISH);
    expect(voiceFor(null)).toBe(ENGLISH);
    expect(voiceFor('klingon')).toBe(ENGLISH);
    expect(voiceFor('fr')).toBe(ENGLISH);
  });
});

describe('locale files on disk', () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });
  const folderWith = (files: Record<string, string>) => {
    const folder = mkdtempSync(join(tmpdir(), 'locales-'));
    folders.push(folder);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    return folder;
  };

  test('a good file loads, a broken one is skipped with a problem, a misnamed one is reported', () => {
    const folder = folderWith({
      'ja.json': JSON.stringify({ prompt: { empty: 'プロンプトが空です。' } }),
      'es-419.json': '{ "prompt": { "empty": "Falta',
      'ko.json': '["not", "an", "object"]',
      'english.json': '{ "prompt": { "empty": "x" } }',
      'en.json': '{ "prompt": { "empty": "x" } }',
      'README.md': 'not a locale',
    });
    const found = loadLocales(folder);
    expect(found.map((f) => f.locale).sort()).toEqual(['en', 'english', 'es-419', 'ja', 'ko']);
    const byLocale = new Map(found.map((f) => [f.locale, f]));
    expect(byLocale.get('ja')).toEqual({
      locale: 'ja',
      entries: { prompt: { empty: 'プロンプトが空です。' } },
      problems: [],
    });
    expect(byLocale.get('es-419')!.entries).toEqual({});
    expect(byLocale.get('es-419')!.problems).toEqual([expect.stringMatching(/^es-419\.json: .+; skipped$/)]);
    expect(byLocale.get('ko')!.problems).toEqual(['ko.json: the file is not a JSON object; skipped']);
    expect(byLocale.get('english')!.problems).toEqual([
      expect.stringMatching(/^english\.json: not a locale name/),
    ]);
    // English is en.ts: a file for it would be a second, unused copy.
    expect(byLocale.get('en')!.problems).toEqual([expect.stringMatching(/^en\.json: not a locale name/)]);
  });

  test('compiled code finds the locale files in the source tree; elsewhere there are none', () => {
    // dist/src/text has no locales folder of its own (tsc copies no JSON that nothing imports).
    expect(localesFolder(join(ROOT, 'dist', 'src', 'text'))).toBe(LOCALES_DIR);
    expect(localesFolder(tmpdir())).toBeUndefined();
  });

  test('the container image carries the locale files where the compiled catalogue looks for them', () => {
    // The image runs dist/src/index.js from /app; localesFolder() looks in /app/dist/src/text/locales,
    // then up to /app/src/text/locales. Without either the bot speaks English only, and says nothing.
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const build = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Node }).scripts
      .build as string;
    const copiedIntoImage = /^COPY .*\bsrc\/text\/locales\b/m.test(runtime);
    const copiedIntoDist = /locales/.test(build);
    expect(copiedIntoImage || copiedIntoDist).toBe(true);
  });

  test('the catalogue speaks the good files, skips a broken one and reports a file named for no Discord locale', async () => {
    // The catalogue reads its folder when it is loaded: a copy of src/text (the real modules, as they
    // are) over a locales folder made here, resolving its packages from the repository.
    const root = mkdtempSync(join(tmpdir(), 'catalogue-'));
    folders.push(root);
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    cpSync(join(ROOT, 'src/text'), join(root, 'text'), {
      recursive: true,
      filter: (source) => !source.includes(join('text', 'locales')),
    });
    const locales = join(root, 'text', 'locales');
    mkdirSync(locales);
    cpSync(join(LOCALES_DIR, 'ja.json'), join(locales, 'ja.json'));
    writeFileSync(join(locales, 'es-419.json'), '{ "prompt": ');
    // Well formed, but Discord has no such locale: no member could ever be answered in it.
    writeFileSync(join(locales, 'xx.json'), JSON.stringify({ prompt: { empty: 'xx' } }));

    const copy = (await import(pathToFileURL(join(root, 'text', 'catalogue.ts')).href)) as typeof Catalogue;
    expect([...copy.spokenLanguages()]).toEqual(['en', 'ja']);
    expect(copy.localeProblems).toEqual([
      expect.stringMatching(/^es-419\.json: .+; skipped$/),
      expect.stringMatching(/^xx\.json: Discord has no locale xx/),
    ]);
    expect(copy.voiceFor('ja').t('prompt.empty')).toBe((readLocale('ja').prompt as Node).empty);
    // The broken Spanish file is skipped: Spanish speakers read English rather than a half-file.
    expect(copy.voiceFor('es-ES').t('prompt.empty')).toBe(en.prompt.empty);
    expect(copy.voiceFor('xx').locale).toBe('en');
  });
});
