import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The translations: one JSON file per Discord locale in `src/text/locales` (`ja.json`, `es-419.json`),
 * shaped like en.ts, found when the bot starts. Adding a language is adding a file; a file that
 * cannot be read is skipped with a problem for the start-up log, so a typo never stops the bot.
 */
export interface LocaleFile {
  readonly locale: string;
  readonly entries: Record<string, unknown>;
  readonly problems: readonly string[];
}

/** The folder in the source tree: beside this module, or above compiled code in dist/. */
export function localesFolder(start = import.meta.dirname): string | undefined {
  if (existsSync(join(start, 'locales'))) return join(start, 'locales');
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'src', 'text', 'locales');
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

const LOCALE_NAME = /^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$/;

export function loadLocales(folder = localesFolder()): LocaleFile[] {
  if (!folder) return [];
  const out: LocaleFile[] = [];
  for (const name of readdirSync(folder).sort()) {
    if (!name.endsWith('.json')) continue;
    const locale = name.slice(0, -'.json'.length);
    if (!LOCALE_NAME.test(locale) || locale === 'en') {
      out.push({
        locale,
        entries: {},
        problems: [`${name}: not a locale name such as ja.json or es-419.json`],
      });
      continue;
    }
    try {
      const entries = JSON.parse(readFileSync(join(folder, name), 'utf8')) as unknown;
      if (typeof entries !== 'object' || entries === null || Array.isArray(entries))
        throw new Error('the file is not a JSON object');
      out.push({ locale, entries: entries as Record<string, unknown>, problems: [] });
    } catch (err) {
      out.push({
        locale,
        entries: {},
        problems: [`${name}: ${err instanceof Error ? err.message : String(err)}; skipped`],
      });
    }
  }
  return out.filter((f) => Object.keys(f.entries).length > 0 || f.problems.length > 0);
}
