import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import { effectivePictureLimit } from '../src/core/guild-settings.js';
import type { Command } from '../src/discord/command.js';
import { NO_PINGS } from '../src/discord/no-pings.js';
import { periodLines, topLines } from '../src/discord/usage-report.js';
import { UserError } from '../src/errors.js';
import { fromMicros, guildScope, BOT_SCOPE } from '../src/jobs/budgets.js';
import { nextUtcMidnight, relative } from '../src/jobs/user-limits.js';
import { describedAs } from '../src/discord/command-text.js';
import { phrase } from '../src/text/catalogue.js';

const TOP_MEMBERS = 5;

/** /usage: the member's own figures; with Manage Server, the server's too. Always private. */
export default {
  data: {
    name: 'usage',
    ...describedAs('commands.usage.description'),
    contexts: [0],
  },
  async execute(interaction, ctx, voice) {
    const guildId = interaction.guildId;
    if (!guildId) throw new UserError(phrase('usage.guildOnly'));
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const now = Date.now();
    const userId = interaction.user.id;
    const settings = await ctx.settings.forGuild(guildId);
    const [today, month, used] = await Promise.all([
      ctx.store.costTotals({ userId, period: 'day', at: now }),
      ctx.store.costTotals({ userId, period: 'month', at: now }),
      ctx.limits.usedToday(userId),
    ]);
    const limit = effectivePictureLimit(settings, ctx.settings.bounds);
    const lines = [voice.t('usage.own'), ...periodLines(voice, { today, month })];
    lines.push(
      limit > 0
        ? voice.t('usage.picturesLeft', { left: Math.max(0, limit - used), limit })
        : voice.t('usage.noPictureLimit'),
    );
    const budgetLine = async () => {
      if (settings.dailyBudgetUsd === undefined) return voice.t('usage.noBudget');
      const spent = fromMicros(await ctx.budgets.spentToday(guildScope(guildId)));
      return voice.t('usage.budgetLeft', {
        left: voice.money(Math.max(0, settings.dailyBudgetUsd - spent)),
        limit: voice.money(settings.dailyBudgetUsd),
      });
    };
    lines.push(await budgetLine());
    if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
      const [serverToday, serverMonth, top] = await Promise.all([
        ctx.store.costTotals({ guildId, period: 'day', at: now }),
        ctx.store.costTotals({ guildId, period: 'month', at: now }),
        ctx.store.topMembers({ guildId, period: 'month', at: now, limit: TOP_MEMBERS }),
      ]);
      lines.push(
        '',
        voice.t('usage.server'),
        ...periodLines(voice, { today: serverToday, month: serverMonth }),
      );
      if (ctx.budgets.botDailyUsd > 0) {
        const spent = fromMicros(await ctx.budgets.spentToday(BOT_SCOPE));
        lines.push(
          voice.t('usage.botBudgetLeft', {
            left: voice.money(Math.max(0, ctx.budgets.botDailyUsd - spent)),
            limit: voice.money(ctx.budgets.botDailyUsd),
          }),
        );
      }
      lines.push('', voice.t('usage.top'), ...topLines(voice, top));
    }
    lines.push(
      '',
      voice.t('usage.resets', { when: relative(nextUtcMidnight(now)) }),
      voice.t('usage.estimate'),
    );
    await interaction.editReply({ content: lines.join('\n'), allowedMentions: NO_PINGS });
  },
} satisfies Command;
