import { describe, expect, test } from 'vitest';
import { buildCommands, buildMessageCommands } from '../../commands/index.js';
import { loadSpecValidator } from '../../src/playground/discord/spec.js';
import { spokenLanguages, voiceFor } from '../../src/text/catalogue.js';

const FLASH = { name: 'flash', model: 'gemini-3.1-flash-image' };
const PRO = { name: 'pro', model: 'gemini-3-pro-image' };
const LITE = { name: 'lite', model: 'gemini-3.1-flash-lite-image' };
/** Rosters that make every option appear somewhere (model, size, quality, search) or not. */
const ROSTERS = [
  ['one model', [FLASH]],
  ['every model', [FLASH, PRO, LITE]],
  ['Pro alone', [PRO]],
  ['Flash-Lite alone', [LITE]],
] as const;

/** The Discord locales the catalogue speaks besides English: Spain's Spanish is the Latin American file. */
const LOCALIZED = ['es-419', 'es-ES', 'hi', 'ja', 'zh-CN'];

interface Choice {
  name: string;
  value: string | number;
  name_localizations?: Record<string, string>;
}
interface Option {
  type: number;
  name: string;
  description: string;
  name_localizations?: Record<string, string>;
  description_localizations?: Record<string, string>;
  options?: Option[];
  choices?: Choice[];
}
interface CommandJson extends Omit<Option, 'type'> {
  type?: number;
}

/** The body `npm run register` PUTs to Discord, as JSON goes over the wire. */
function registeredBody(offered: readonly { name: string; model: string }[]): CommandJson[] {
  const body = [...buildCommands(offered).map((c) => c.data), ...buildMessageCommands().map((c) => c.data)];
  return JSON.parse(JSON.stringify(body)) as CommandJson[];
}

/**
 * Options whose choices are names, not words: the offered models' names, sizes ("1K", "512 px"),
 * aspect ratios and what /settings restrict limits (a model or a size). The settings /settings reset
 * names are words, and translated.
 */
const NAMES_NOT_WORDS = new Set(['model', 'size', 'aspect_ratio', 'what']);
/** /settings language lists each language by its own name ("日本語"), the same for every reader. */
const isAutonym = (option: Option, choice: Choice) =>
  option.name === 'language' && spokenLanguages().includes(String(choice.value));

/** What is wrong with one localisation map: missing or extra locales, lengths, untranslated words. */
function localizationProblems(
  where: string,
  english: string,
  map: Record<string, string> | undefined,
  max: number,
): string[] {
  if (!map) return [`${where}: no localisations`];
  const problems: string[] = [];
  const locales = Object.keys(map).sort();
  if (locales.join() !== LOCALIZED.join()) problems.push(`${where}: localised for [${locales.join()}]`);
  for (const [locale, text] of Object.entries(map)) {
    // UTF-16 units: never fewer than the characters Discord counts.
    if (text.trim().length === 0 || text.length > max)
      problems.push(`${where} (${locale}): ${text.length} characters, 1 to ${max} allowed`);
    if (text === english) problems.push(`${where} (${locale}): still English ("${english}")`);
  }
  if (map['es-ES'] !== map['es-419']) problems.push(`${where}: es-ES does not read as es-419`);
  return problems;
}

/** Every problem of the registered commands' words, walking commands, sub-commands, options and choices. */
function commandProblems(body: CommandJson[]): { problems: string[]; checked: number } {
  const problems: string[] = [];
  let checked = 0;
  const described = (
    where: string,
    o: { description: string; description_localizations?: Record<string, string> },
  ) => {
    checked++;
    if (o.description.length < 1 || o.description.length > 100)
      problems.push(`${where}: English description of ${o.description.length} characters`);
    problems.push(
      ...localizationProblems(`${where} description`, o.description, o.description_localizations, 100),
    );
  };
  const walkOption = (where: string, option: Option) => {
    const here = `${where} ${option.name}`;
    if (option.name_localizations !== undefined) problems.push(`${here}: an option name is localised`);
    described(here, option);
    for (const choice of option.choices ?? []) {
      const at = `${here} choice ${choice.value}`;
      if (NAMES_NOT_WORDS.has(option.name) || isAutonym(option, choice)) {
        if (choice.name_localizations !== undefined) problems.push(`${at}: a name, yet localised`);
        continue;
      }
      checked++;
      problems.push(...localizationProblems(`${at} name`, choice.name, choice.name_localizations, 100));
    }
    for (const sub of option.options ?? []) walkOption(here, sub);
  };
  for (const command of body) {
    if ((command.type ?? 1) === 1) {
      const where = `/${command.name}`;
      if (!/^[-_a-z0-9]{1,32}$/.test(command.name)) problems.push(`${where}: not an English command name`);
      if (command.name_localizations !== undefined) problems.push(`${where}: a command name is localised`);
      described(where, command);
      for (const option of command.options ?? []) walkOption(where, option);
    } else {
      // A context menu has no description: members read its name, in the Apps menu.
      const where = `"${command.name}"`;
      checked++;
      if (command.name.length < 1 || command.name.length > 32)
        problems.push(`${where}: English name too long`);
      problems.push(...localizationProblems(`${where} name`, command.name, command.name_localizations, 32));
    }
  }
  return { problems, checked };
}

describe('registered commands in every language', () => {
  test.each(ROSTERS)(
    'every description, word choice and menu name carries its localisations (%s)',
    (_, offered) => {
      const { problems, checked } = commandProblems(registeredBody(offered));
      expect(problems).toEqual([]);
      // Five commands, a menu, /settings' sub-commands and the options of each were all looked at.
      expect(checked).toBeGreaterThan(40);
    },
  );

  test.each(ROSTERS)("the whole body validates against Discord's API description (%s)", (_, offered) => {
    const spec = loadSpecValidator();
    const body = registeredBody(offered);
    expect(
      spec.validateBody('/applications/{application_id}/guilds/{guild_id}/commands', 'PUT', body),
    ).toEqual([]);
    expect(spec.validateBody('/applications/{application_id}/commands', 'PUT', body)).toEqual([]);
  });

  test('the checks catch a missing, an overlong, an untranslated and a misplaced localisation', () => {
    const body = registeredBody([FLASH, PRO]);
    expect(commandProblems(body).problems.filter((p) => p.startsWith('/help') || p.startsWith('"'))).toEqual(
      [],
    );
    const help = body.find((c) => c.name === 'help')!;
    delete help.description_localizations!.hi;
    help.description_localizations!.ja = 'あ'.repeat(101);
    help.description_localizations!['zh-CN'] = help.description;
    help.name_localizations = { ja: 'ヘルプ' };
    const menu = body.find((c) => c.type === 3)!;
    menu.name_localizations!.ja = 'Gemini で編集'.repeat(4);
    const problems = commandProblems(body).problems.filter((p) => p.startsWith('/help') || p.startsWith('"'));
    expect(problems.sort()).toEqual(
      [
        '/help: a command name is localised',
        '/help description: localised for [es-419,es-ES,ja,zh-CN]',
        '/help description (ja): 101 characters, 1 to 100 allowed',
        `/help description (zh-CN): still English ("${help.description}")`,
        '"Edit with Gemini" name (ja): 40 characters, 1 to 32 allowed',
      ].sort(),
    );
    // Discord's description refuses the lengths too.
    const errors = loadSpecValidator().validateBody(
      '/applications/{application_id}/guilds/{guild_id}/commands',
      'PUT',
      body,
    );
    expect(errors.join('\n')).toMatch(/description_localizations\/ja .*100/);
    expect(errors.join('\n')).toMatch(/name_localizations\/ja .*32/);
  });

  test('the words are the catalogue’s, in each language', () => {
    const body = registeredBody([FLASH, PRO]);
    const imagine = body.find((c) => c.name === 'imagine')!;
    const edit = body.find((c) => c.name === 'edit')!;
    const menu = body.find((c) => c.type === 3)!;
    for (const language of ['es-419', 'hi', 'ja', 'zh-CN']) {
      const voice = voiceFor(language);
      expect(imagine.description_localizations![language]).toBe(voice.t('commands.imagine.description'));
      expect(edit.description_localizations![language]).toBe(
        voice.t('commands.edit.description', { count: edit.options!.filter((o) => o.type === 11).length }),
      );
      expect(menu.name_localizations![language]).toBe(voice.t('commands.editWithGemini'));
    }
    // Several image options, so the plural's counted form is the one registered.
    expect(edit.options!.filter((o) => o.type === 11).length).toBeGreaterThan(1);
    expect(menu.name).toBe('Edit with Gemini');
    expect(menu.name_localizations!.ja).toBe('Gemini で編集');
  });

  test('/settings language offers each language by its own name, and members’ own in every language', () => {
    const settings = registeredBody([FLASH]).find((c) => c.name === 'settings')!;
    const language = settings.options!.find((o) => o.name === 'language')!.options![0]!;
    const choices = language.choices!;
    expect(choices.map((c) => c.value)).toEqual(['members', ...spokenLanguages()]);
    const byValue = new Map(choices.map((c) => [c.value, c]));
    expect(byValue.get('ja')!.name).toBe('日本語');
    expect(byValue.get('zh-CN')!.name).toBe('中文（中国）');
    expect(byValue.get('hi')!.name).toBe('हिन्दी');
    expect(byValue.get('en')!.name).toBe('English');
    expect(byValue.get('members')!.name_localizations!.ja).toBe(
      voiceFor('ja').t('commands.settings.languageMembers'),
    );
  });
});
