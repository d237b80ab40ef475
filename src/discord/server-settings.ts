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

/**
 * Each server's settings, read from the store on every use (so a change made by another process
 * applies at once) and checked against what the operator allows now. A row that does not pass
 * is used field by field, its bad fields at their defaults, and logged once per process; a store
 * that does not answer gives the defaults, so members can still make pictures.
 */
export class ServerSettings {
  private readonly reported = new Set<string>();

  constructor(
    private readonly store: GuildSettingsLog,
    readonly bounds: SettingsBounds,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async forGuild(guildId: string | null): Promise<GuildSettings> {
    if (!guildId) return DEFAULT_GUILD_SETTINGS;
    let raw: string | undefined;
    try {
      raw = await this.store.guildSettings(guildId);
    } catch (err) {
      this.log.error({ err, guildId }, 'could not read the server’s settings; using the defaults');
      return DEFAULT_GUILD_SETTINGS;
    }
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
    const next = change(await this.forGuild(guildId));
    await this.store.saveGuildSettings(guildId, writeGuildSettings(next), this.now());
    return next;
  }
}
