import type Database from 'better-sqlite3';
import type { ControlRecord, StoredRequest } from '../core/controls.js';

interface Row {
  control_id: string;
  message_id: string;
  channel_id: string;
  thread_id: string | null;
  guild_id: string | null;
  user_id: string;
  model: string;
  image_count: number;
  request: string;
  created_at: number;
  deleted_at: number | null;
}

const toRecord = (r: Row): ControlRecord => ({
  controlId: r.control_id,
  messageId: r.message_id,
  channelId: r.channel_id,
  threadId: r.thread_id,
  guildId: r.guild_id,
  userId: r.user_id,
  model: r.model,
  imageCount: r.image_count,
  request: JSON.parse(r.request) as StoredRequest,
  createdAt: r.created_at,
  deletedAt: r.deleted_at,
});

/** The result_controls table (migration step 3), synchronously; the store wraps it as the ControlLog interface. */
export function resultControlStatements(db: Database.Database): {
  saveControls(record: ControlRecord): void;
  getControls(controlId: string): ControlRecord | undefined;
  markControlsDeleted(controlId: string, at: number): void;
} {
  // Plain INSERT: an id names one picture for good, so a second write for it is a bug to surface.
  const insert = db.prepare(`INSERT INTO result_controls
    (control_id, message_id, channel_id, thread_id, guild_id, user_id, model, image_count, request, created_at, deleted_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`);
  const byId = db.prepare<[string], Row>('SELECT * FROM result_controls WHERE control_id = ?');
  const markDeleted = db.prepare(
    'UPDATE result_controls SET deleted_at = ? WHERE control_id = ? AND deleted_at IS NULL',
  );
  return {
    saveControls(r) {
      insert.run(
        r.controlId,
        r.messageId,
        r.channelId,
        r.threadId,
        r.guildId,
        r.userId,
        r.model,
        r.imageCount,
        JSON.stringify(r.request),
        r.createdAt,
      );
    },
    getControls(controlId) {
      const row = byId.get(controlId);
      return row ? toRecord(row) : undefined;
    },
    markControlsDeleted(controlId, at) {
      markDeleted.run(at, controlId);
    },
  };
}
