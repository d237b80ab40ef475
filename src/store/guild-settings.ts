import type Database from 'better-sqlite3';
import type { SpendClaim, SpendReservation } from '../core/results.js';

/**
 * The guild_settings and spend tables (migration step 3), synchronously; the store wraps them as
 * the GuildSettingsLog and SpendLedger interfaces. Plain SQL a database server takes as well.
 */
export function guildSettingsStatements(db: Database.Database): {
  guildSettings(guildId: string): string | undefined;
  saveGuildSettings(guildId: string, settings: string, at: number): void;
  reserveSpend(claims: readonly SpendClaim[], day: string, micros: number): SpendReservation;
  addSpend(scopes: readonly string[], day: string, micros: number): void;
  spent(scope: string, day: string): number;
} {
  const read = db.prepare<[string], { settings: string }>(
    'SELECT settings FROM guild_settings WHERE guild_id = ?',
  );
  const write = db.prepare(`INSERT INTO guild_settings (guild_id, settings, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (guild_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`);
  const readSpend = db.prepare<[string, string], { micros: number }>(
    'SELECT micros FROM spend WHERE scope = ? AND day = ?',
  );
  const bump = db.prepare(`INSERT INTO spend (scope, day, micros) VALUES (?, ?, ?)
    ON CONFLICT (scope, day) DO UPDATE SET micros = micros + excluded.micros`);
  const spent = (scope: string, day: string) => readSpend.get(scope, day)?.micros ?? 0;
  const add = db.transaction((scopes: readonly string[], day: string, micros: number) => {
    for (const scope of scopes) bump.run(scope, day, micros);
  });
  // Check every budget, then add to every one, in one write transaction: two jobs racing for the
  // last cent cannot both get it, in this process or another on the same file.
  const reserve = db.transaction(
    (claims: readonly SpendClaim[], day: string, micros: number): SpendReservation => {
      for (const { scope, limitMicros } of claims) {
        if (limitMicros > 0 && spent(scope, day) + micros > limitMicros) return { ok: false, full: scope };
      }
      for (const { scope } of claims) bump.run(scope, day, micros);
      return { ok: true };
    },
  );
  return {
    guildSettings: (guildId) => read.get(guildId)?.settings,
    saveGuildSettings: (guildId, settings, at) => void write.run(guildId, settings, at),
    reserveSpend: (claims, day, micros) => reserve.immediate(claims, day, micros),
    addSpend: (scopes, day, micros) => add.immediate(scopes, day, micros),
    spent,
  };
}
