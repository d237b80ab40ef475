import type { SettingsBounds } from '../../src/core/guild-settings.js';

/** What an operator offering Flash and Pro allows, with the limits a test names. */
export function flashAndProBounds(
  limits: Pick<SettingsBounds, 'userDailyLimit' | 'dailyBudgetUsd'>,
): SettingsBounds {
  return {
    offered: [
      { name: 'fast', model: 'gemini-3.1-flash-image' },
      { name: 'pro', model: 'gemini-3-pro-image' },
    ],
    ...limits,
  };
}
