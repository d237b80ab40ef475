import { pino } from 'pino';
import { phrase } from '../../src/text/catalogue.js';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { InterimImage } from '../../src/core/generation.js';
import type { DraftImage } from '../../src/core/images.js';
import type { DeliveryTarget, JobStatus } from '../../src/core/job.js';
import { DraftPreviews } from '../../src/jobs/drafts.js';
import { EditBudget, ProgressReporter } from '../../src/jobs/progress.js';

const log = pino({ level: 'silent' });

const draft = (number: number): DraftImage => ({
  filename: `draft-${number}.jpg`,
  data: Buffer.from(`draft ${number}`),
  number,
});

function recorder() {
  const sent: { at: number; what: string }[] = [];
  const target: DeliveryTarget = {
    uploadLimit: 1,
    progress: async (s: JobStatus) => {
      const what =
        s.state === 'queued'
          ? `queued ${s.position}`
          : `generating ${s.attempt}${s.draft ? ` draft ${s.draft.number}` : ''}`;
      sent.push({ at: Date.now(), what });
    },
    deliver: async () => {
      sent.push({ at: Date.now(), what: 'result' });
      return undefined;
    },
  };
  return { sent, target };
}

describe('ProgressReporter with drafts', () => {
  afterEach(() => vi.useRealTimers());

  test('drafts keep the per-job interval; of two within one interval only the latest is sent', async () => {
    vi.useFakeTimers();
    const { sent, target } = recorder();
    const p = new ProgressReporter(target, log, 2000);
    p.update({ state: 'generating', attempt: 1 });
    await vi.advanceTimersByTimeAsync(500);
    p.update({ state: 'generating', attempt: 1, draft: draft(1) });
    await vi.advanceTimersByTimeAsync(500);
    p.update({ state: 'generating', attempt: 1, draft: draft(2) });
    await vi.advanceTimersByTimeAsync(3000);
    expect(sent.map((s) => s.what)).toEqual(['generating 1', 'generating 1 draft 2']);
    expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(2000);
  });

  test('a draft waits for the shared edit budget, and a newer one takes its place meanwhile', async () => {
    vi.useFakeTimers();
    const budget = new EditBudget(1, 1);
    const other = recorder();
    const { sent, target } = recorder();
    // Another job spends the only edit of this second.
    new ProgressReporter(other.target, log, 0, budget).update({ state: 'queued', position: 1 });
    await vi.advanceTimersByTimeAsync(0);
    const p = new ProgressReporter(target, log, 0, budget);
    p.update({ state: 'generating', attempt: 1, draft: draft(1) });
    await vi.advanceTimersByTimeAsync(100);
    expect(sent).toEqual([]);
    p.update({ state: 'generating', attempt: 1, draft: draft(2) });
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent.map((s) => s.what)).toEqual(['generating 1 draft 2']);
  });

  test('a draft not yet sent when the result goes is dropped, never shown after it', async () => {
    vi.useFakeTimers();
    const { sent, target } = recorder();
    const p = new ProgressReporter(target, log, 2000);
    p.update({ state: 'generating', attempt: 1 });
    await vi.advanceTimersByTimeAsync(0);
    p.update({ state: 'generating', attempt: 1, draft: draft(1) });
    await p.finish(() => target.deliver({ kind: 'failed', message: phrase('failure.generic') }));
    p.update({ state: 'generating', attempt: 1, draft: draft(2) });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent.map((s) => s.what)).toEqual(['generating 1', 'result']);
  });
});

describe('DraftPreviews', () => {
  const interim = (attempt: number, number: number): InterimImage => ({
    mimeType: 'image/png',
    data: Buffer.from(`${attempt}/${number}`),
    attempt,
    number,
  });

  function previews(shrink = async (data: Buffer, basename: string) => ({ filename: basename, data })) {
    const statuses: JobStatus[] = [];
    const d = new DraftPreviews(shrink, 'draft-job', { update: (s) => statuses.push(s) }, log);
    const shown = () =>
      statuses.map((s) =>
        s.state === 'generating' ? `${s.attempt}:${s.draft ? s.draft.filename : '-'}` : s.state,
      );
    return { d, shown };
  }
  const settle = () => new Promise((r) => setTimeout(r, 5));

  test('shows each draft of the current attempt, named as a draft, and a retry starts clean', async () => {
    const { d, shown } = previews();
    d.startAttempt(1);
    d.offer(interim(1, 1));
    await settle();
    d.startAttempt(2);
    d.offer(interim(1, 2)); // late, from the attempt that failed
    d.offer(interim(2, 1));
    await settle();
    expect(shown()).toEqual(['1:-', '1:draft-job-1', '2:-', '2:draft-job-1']);
  });

  test('a draft still being shrunk when its attempt ends, or Gemini answers, is not shown', async () => {
    let finishShrink: () => void = () => undefined;
    const { d, shown } = previews(
      (data, filename) => new Promise((resolve) => (finishShrink = () => resolve({ filename, data }))),
    );
    d.startAttempt(1);
    d.offer(interim(1, 1));
    d.close();
    finishShrink();
    await settle();
    expect(shown()).toEqual(['1:-']);
  });

  test('while one draft is shrunk, a newer one replaces any waiting; one that cannot be read is skipped', async () => {
    const shrunk: string[] = [];
    const { d, shown } = previews(async (data, filename) => {
      shrunk.push(data.toString());
      if (data.toString() === '1/3') throw new Error('not an image');
      return { filename, data };
    });
    d.startAttempt(1);
    d.offer(interim(1, 1));
    d.offer(interim(1, 2));
    d.offer(interim(1, 3));
    await settle();
    expect(shrunk).toEqual(['1/1', '1/3']);
    expect(shown()).toEqual(['1:-', '1:draft-job-1']);
  });
});
