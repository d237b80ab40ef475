import { within } from '../core/abort.js';
import {
  DEFAULT_GUILD_SETTINGS,
  readGuildSettings,
  writeGuildSettings,
  type GuildSettings,
  type SettingsBounds,
} from '../core/guild-settings.js';
import type { GuildSettingsLog } from '../core/results.js';
import type { Logger } from '../logger.js';
import { LogEvent } from '../log-events.js';

/** How long a server's settings are reused once read: one interaction reads them twice (its language, its admission). */
export const SETTINGS_FRESH_MS = 2000;

/**
 * How long an interaction waits for its server's settings. Discord refuses an interaction's first
 * answer after 3 s, and the settings are read before the job is admitted and acknowledged, so a
 * database that hangs (frozen, partitioned) must not hold them for its query timeout.
 */
export const SETTINGS_READ_DEADLINE_MS = 750;

/**
 * Each server's settings, read from the store and reused for at most SETTINGS_FRESH_MS (so a
 * change made by another process applies within two seconds, and one made here at once), and
 * checked against what the operator allows now. A row that does not pass is used field by field,
 * its bad fields at their defaults, and logged once per process. A store that fails or does not
 * answer within SETTINGS_READ_DEADLINE_MS gives the last settings this process read for the
 * server, however old (the defaults if none), so members can still make pictures.
 */
export class ServerSettings {
  private readonly reported = new Set<string>();
  private readonly recent = new Map<string, { readonly at: number; readonly settings: GuildSettings }>();
  private readonly reading = new Map<string, Promise<GuildSettings>>();

  constructor(
    private readonly store: GuildSettingsLog,
    readonly bounds: SettingsBounds,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async forGuild(guildId: string | null): Promise<GuildSettings> {
    if (!guildId) return DEFAULT_GUILD_SETTINGS;
    const kept = this.recent.get(guildId);
    if (kept && this.now() - kept.at < SETTINGS_FRESH_MS) return kept.settings;
    // One read per server at a time: a burst of commands in one server waits for the same read
    // rather than queueing one each for the database's few connections.
    let reading = this.reading.get(guildId);
    if (!reading) {
      const started = this.read(guildId).then((settings) => {
        // A change made here while the read was on its way is newer than what it read.
        if (this.reading.get(guildId) !== started) return this.recent.get(guildId)?.settings ?? settings;
        this.reading.delete(guildId);
        this.recent.set(guildId, { at: this.now(), settings });
        // Servers seen once and never again are not kept: the map holds only the last few seconds' servers.
        if (this.recent.size > 1000) {
          for (const [id, entry] of this.recent)
            if (this.now() - entry.at >= SETTINGS_FRESH_MS) this.recent.delete(id);
        }
        return settings;
      });
      reading = started;
      this.reading.set(guildId, started);
    }
    return reading;
  }

  private async read(guildId: string): Promise<GuildSettings> {
    let raw: string | undefined;
    try {
      // Wrapped: a server with no row reads as undefined, which `within` keeps for "too late".
      const answer = await within(
        this.store.guildSettings(guildId).then((row) => ({ row })),
        SETTINGS_READ_DEADLINE_MS,
      );
      if (!answer) throw new Error(`no answer within ${SETTINGS_READ_DEADLINE_MS} ms`);
      raw = answer.row;
    } catch (err) {
      const last = this.recent.get(guildId)?.settings;
      this.log.error(
        { err, guildId },
        last
          ? 'could not read the server’s settings in time; using the last ones read'
          : 'could not read the server’s settings in time; using the defaults',
      );
      return last ?? DEFAULT_GUILD_SETTINGS;
    }
    return this.checked(guildId, raw);
  }

  private checked(guildId: string, raw: string | undefined): GuildSettings {
    const { settings, problems } = readGuildSettings(raw, this.bounds);
    if (problems.length > 0) {
      const key = `${guildId}:${raw}`;
      if (!this.reported.has(key)) {
        this.reported.add(key);
        this.log.warn(
          { event: LogEvent.settingsBroken, guildId, fields: problems },
          'a server’s stored settings did not pass their checks; those fields use the defaults',
        );
      }
    }
    return settings;
  }

  /** Applies a change to the server's current settings and stores the result; answers it. */
  async update(guildId: string, change: (current: GuildSettings) => GuildSettings): Promise<GuildSettings> {
    // From the stored row itself, however long it takes: a change made to a fallback would
    // overwrite every other setting the server has. A store that fails fails the change.
    const next = change(this.checked(guildId, await this.store.guildSettings(guildId)));
    await this.store.saveGuildSettings(guildId, writeGuildSettings(next), this.now());
    this.reading.delete(guildId);
    this.recent.set(guildId, { at: this.now(), settings: next });
    return next;
  }
}
