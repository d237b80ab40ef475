import type { AppContext } from '../context.js';
import type { GuildSettings } from '../core/guild-settings.js';
import { voiceFor, type Voice } from '../text/catalogue.js';

/**
 * Which language the bot speaks to whom. An interaction is answered in its member's Discord
 * locale; anything that answers no interaction (a refine by reply, a post in the channel) in the
 * server's preferred locale. A server that pins a language (/settings language) is answered in it
 * everywhere. A locale the catalogue does not speak is answered in English.
 */
export function languageFor(settings: GuildSettings, locale: string | null | undefined): Voice {
  return voiceFor(settings.language ?? locale);
}

/** The server's settings for choosing a language; a store that does not answer means none are pinned. */
async function settingsOf(ctx: AppContext, guildId: string | null): Promise<GuildSettings | undefined> {
  if (!guildId) return undefined;
  return ctx.settings.forGuild(guildId).catch(() => undefined);
}

/** The voice an interaction is answered in. */
export async function interactionVoice(
  ctx: AppContext,
  interaction: { readonly guildId: string | null; readonly locale: string },
): Promise<Voice> {
  const settings = await settingsOf(ctx, interaction.guildId);
  return settings ? languageFor(settings, interaction.locale) : voiceFor(interaction.locale);
}

/** The voice for words that answer no interaction: the server's pinned or preferred language. */
export async function serverVoice(
  ctx: AppContext,
  guild: { readonly id: string; readonly preferredLocale?: string | null } | null,
): Promise<Voice> {
  const settings = await settingsOf(ctx, guild?.id ?? null);
  const preferred = guild?.preferredLocale ?? undefined;
  return settings ? languageFor(settings, preferred) : voiceFor(preferred);
}
