import { escapeMarkdown, type Client } from 'discord.js';
import type { GuildSettings } from '../core/guild-settings.js';
import type { JobReport, JobRequest } from '../core/job.js';
import type { Logger } from '../logger.js';
import type { Voice } from '../text/catalogue.js';
import { shorten } from '../text/length.js';
import { NO_PINGS } from './no-pings.js';
import { oneLine } from './prompt.js';
import type { ServerSettings } from './server-settings.js';
import { languageFor } from './voices.js';

const PROMPT_IN_LOG_MAX = 1500;

type LoggedOutcome = JobReport['result'] | 'blocked';

/** One line for moderators: who, where, what kind, the prompt, how it ended and a link to the result. */
export function moderationLine(
  voice: Voice,
  request: Pick<JobRequest, 'userId' | 'guildId' | 'channelId' | 'kind' | 'prompt'>,
  outcome: LoggedOutcome,
  delivered?: { readonly channelId: string; readonly messageId: string },
): string {
  const link =
    delivered && request.guildId
      ? voice.t('moderation.link', {
          url: `https://discord.com/channels/${request.guildId}/${delivered.channelId}/${delivered.messageId}`,
        })
      : '';
  return voice.t('moderation.line', {
    outcome: voice.t(`moderation.outcome.${outcome}`),
    user: request.userId,
    channel: request.channelId,
    kind: request.kind,
    // Escaped and on one line: a prompt must not format, link or break the log.
    prompt: shorten(escapeMarkdown(oneLine(request.prompt)), PROMPT_IN_LOG_MAX),
    link,
  });
}

/**
 * Posts one line per job, and per blocked prompt, to the server's moderation log channel, if it
 * has one. Fire-and-forget: a log channel the bot cannot post in costs the line, never the job.
 */
export class ModerationLog {
  constructor(
    private readonly client: Client,
    private readonly settings: ServerSettings,
    private readonly log: Logger,
  ) {}

  jobEnded(report: JobReport): void {
    const { job } = report;
    if (!job.guildId) return;
    void this.settings
      .forGuild(job.guildId)
      .then((settings) =>
        this.post(settings, (voice) => moderationLine(voice, job, report.result, report.delivered)),
      )
      .catch((err: unknown) =>
        this.log.warn({ err, guildId: job.guildId }, 'could not write the moderation log'),
      );
  }

  blocked(request: JobRequest, settings: GuildSettings): void {
    if (!request.guildId) return;
    void this.post(settings, (voice) => moderationLine(voice, request, 'blocked')).catch((err: unknown) =>
      this.log.warn({ err, guildId: request.guildId }, 'could not write the moderation log'),
    );
  }

  /** Posts a line in the server's language (its pinned one, else its preferred locale). */
  private async post(settings: GuildSettings, line: (voice: Voice) => string): Promise<void> {
    const id = settings.moderationLogChannel;
    if (!id) return;
    const channel = await this.client.channels.fetch(id);
    if (!channel?.isSendable() || channel.isDMBased())
      throw new Error(`moderation log channel ${id} is not one the bot can post in`);
    const voice = languageFor(settings, channel.guild.preferredLocale);
    await channel.send({ content: line(voice), allowedMentions: NO_PINGS });
  }
}
