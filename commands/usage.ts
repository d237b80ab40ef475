import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import { effectivePictureLimit } from '../src/core/guild-settings.js';
import type { Command } from '../src/discord/command.js';
import { NO_PINGS } from '../src/discord/no-pings.js';
import { formatUsd, periodLines, topLines } from '../src/discord/usage-report.js';
import { UserError } from '../src/errors.js';
import { fromMicros, guildScope, BOT_SCOPE } from '../src/jobs/budgets.js';
import { nextUtcMidnight, relative } from '../src/jobs/user-limits.js';
import { text } from '../src/text/catalogue.js';

const TOP_MEMBERS = 5;

/** /usage: the member's own figures; with Manage Server, the server's too. Always private. */
export default {
  data: {
    name: 'usage',
    description: text('commands.usage.description'),
    contexts: [0],
  },
  async execute(interaction, ctx) {
    const guildId = interaction.guildId;
    if (!guildId) throw new UserError(text('usage.guildOnly'));
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
    const lines = [text('usage.own'), ...periodLines({ today, month })];
    lines.push(
      limit > 0
        ? text('usage.picturesLeft', { left: Math.max(0, limit - used), limit })
        : text('usage.noPictureLimit'),
    );
    const budgetLine = async () => {
      if (settings.dailyBudgetUsd === undefined) return text('usage.noBudget');
      const spent = fromMicros(await ctx.budgets.spentToday(guildScope(guildId)));
      return text('usage.budgetLeft', {
        left: formatUsd(Math.max(0, settings.dailyBudgetUsd - spent)),
        limit: formatUsd(settings.dailyBudgetUsd),
      });
    };
    lines.push(await budgetLine());
    if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
      const [serverToday, serverMonth, top] = await Promise.all([
        ctx.store.costTotals({ guildId, period: 'day', at: now }),
        ctx.store.costTotals({ guildId, period: 'month', at: now }),
        ctx.store.topMembers({ guildId, period: 'month', at: now, limit: TOP_MEMBERS }),
      ]);
      lines.push('', text('usage.server'), ...periodLines({ today: serverToday, month: serverMonth }));
      if (ctx.budgets.botDailyUsd > 0) {
        const spent = fromMicros(await ctx.budgets.spentToday(BOT_SCOPE));
        lines.push(
          text('usage.botBudgetLeft', {
            left: formatUsd(Math.max(0, ctx.budgets.botDailyUsd - spent)),
            limit: formatUsd(ctx.budgets.botDailyUsd),
          }),
        );
      }
      lines.push('', text('usage.top'), ...topLines(top));
    }
    lines.push('', text('usage.resets', { when: relative(nextUtcMidnight(now)) }), text('usage.estimate'));
    await interaction.editReply({ content: lines.join('\n'), allowedMentions: NO_PINGS });
  },
} satisfies Command;
