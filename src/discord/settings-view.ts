import {
  budgetCeiling,
  pictureLimitCeiling,
  type GuildSettings,
  type SettingsBounds,
} from '../core/guild-settings.js';
import { text } from '../text/catalogue.js';
import { shorten } from '../text/length.js';
import { formatUsd } from './usage-report.js';

const WORDS_SHOWN_MAX = 600;

/** A server's settings in one message, each line saying what the operator allows beside it. */
export function describeSettings(
  settings: GuildSettings,
  bounds: SettingsBounds,
  operatorWords: number,
): string {
  const operators = text('settings.operatorDefault');
  const restrictions = Object.entries(settings.restrictions).map(([what, role]) =>
    text('settings.restriction', { what, role: `<@&${role}>` }),
  );
  const words = settings.blockedWords.map((w) => `\`${w.replaceAll('`', "'")}\``).join(', ');
  return [
    text('settings.title'),
    text('settings.defaults', {
      model: settings.defaultModel ?? `${operators} (${bounds.offered[0]?.name ?? ''})`,
      size: settings.defaultSize ?? operators,
      ratio: settings.defaultAspectRatio ?? operators,
    }),
    text('settings.restrictions', { list: restrictions.join(', ') || text('settings.none') }),
    text('settings.pictureLimit', {
      value: settings.dailyPictureLimit ?? (bounds.userDailyLimit || text('settings.noLimit')),
      max: bounds.userDailyLimit > 0 ? pictureLimitCeiling(bounds) : text('settings.noLimit'),
    }),
    text('settings.budget', {
      value:
        settings.dailyBudgetUsd === undefined ? text('settings.notSet') : formatUsd(settings.dailyBudgetUsd),
      max: formatUsd(budgetCeiling(bounds)),
    }),
    text('settings.channels', {
      list: settings.channels.map((c) => `<#${c}>`).join(', ') || text('settings.everyChannel'),
      mode: settings.otherChannels === 'hide' ? text('settings.modeHide') : text('settings.modeRefuse'),
    }),
    text('settings.moderationLog', {
      channel: settings.moderationLogChannel
        ? `<#${settings.moderationLogChannel}>`
        : text('settings.notSet'),
    }),
    text('settings.blockedWords', {
      list: shorten(words, WORDS_SHOWN_MAX) || text('settings.none'),
      operator: operatorWords,
    }),
  ].join('\n');
}
