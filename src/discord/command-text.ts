import { ENGLISH, localizations, type TextArgs, type TextKey } from '../text/catalogue.js';

/**
 * The words of registered commands. Names stay English (members share them); descriptions, choice
 * names and context-menu names are in English with Discord's localisations beside them, so each
 * member's client shows its own language.
 */

/** `description` and `description_localizations` for a command or an option. */
export function describedAs<K extends TextKey>(key: K, ...args: TextArgs<K>) {
  return { description: ENGLISH.t(key, ...args), description_localizations: localizations(key, ...args) };
}

/** `name` and `name_localizations` for a context-menu command, whose name members read. */
export function namedAs<K extends TextKey>(key: K, ...args: TextArgs<K>) {
  return { name: ENGLISH.t(key, ...args), name_localizations: localizations(key, ...args) };
}

/** A choice whose name is words, in every language; its value stays what the code reads. */
export function choiceOf<K extends TextKey, V extends string>(value: V, key: K, ...args: TextArgs<K>) {
  return { ...namedAs(key, ...args), value };
}
