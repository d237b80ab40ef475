import {
  budgetCeiling,
  pictureLimitCeiling,
  type GuildSettings,
  type SettingsBounds,
} from '../core/guild-settings.js';
import type { Voice } from '../text/catalogue.js';
import { shorten } from '../text/length.js';

const WORDS_SHOWN_MAX = 600;

/** A server's settings in one message, each line saying what the operator allows beside it. */
export function describeSettings(
  voice: Voice,
  settings: GuildSettings,
  bounds: SettingsBounds,
  operatorWords: number,
): string {
  const operators = voice.t('settings.operatorDefault');
  const restrictions = Object.entries(settings.restrictions).map(([what, role]) =>
    voice.t('settings.restriction', { what, role: `<@&${role}>` }),
  );
  const words = settings.blockedWords.map((w) => `\`${w.replaceAll('`', "'")}\``).join(', ');
  return [
    voice.t('settings.title'),
    voice.t('settings.defaults', {
      model: settings.defaultModel ?? `${operators} (${bounds.offered[0]?.name ?? ''})`,
      size: settings.defaultSize ?? operators,
      ratio: settings.defaultAspectRatio ?? operators,
    }),
    voice.t('settings.restrictions', { list: restrictions.join(', ') || voice.t('settings.none') }),
    voice.t('settings.pictureLimit', {
      value: settings.dailyPictureLimit ?? (bounds.userDailyLimit || voice.t('settings.noLimit')),
      max: bounds.userDailyLimit > 0 ? pictureLimitCeiling(bounds) : voice.t('settings.noLimit'),
    }),
    voice.t('settings.budget', {
      value:
        settings.dailyBudgetUsd === undefined
          ? voice.t('settings.notSet')
          : voice.money(settings.dailyBudgetUsd),
      max: voice.money(budgetCeiling(bounds)),
    }),
    voice.t('settings.channels', {
      list: settings.channels.map((c) => `<#${c}>`).join(', ') || voice.t('settings.everyChannel'),
      mode: settings.otherChannels === 'hide' ? voice.t('settings.modeHide') : voice.t('settings.modeRefuse'),
    }),
    voice.t('settings.moderationLog', {
      channel: settings.moderationLogChannel
        ? `<#${settings.moderationLogChannel}>`
        : voice.t('settings.notSet'),
    }),
    voice.t('settings.blockedWords', {
      list: shorten(words, WORDS_SHOWN_MAX) || voice.t('settings.none'),
      operator: operatorWords,
    }),
    voice.t('settings.language', {
      language: settings.language ? voice.languageName(settings.language) : voice.t('settings.eachMember'),
    }),
  ].join('\n');
}
