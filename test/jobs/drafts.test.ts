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
  afterEach(() => vi.useRealTimers());

  const interim = (attempt: number, number: number): InterimImage => ({
    mimeType: 'image/png',
    data: Buffer.from(`${attempt}/${number}`),
    attempt,
    number,
  });

  /** Drafts through a real reporter (one edit per `intervalMs`) to a recording target. */
  function previews(
    intervalMs: number,
    shrink = async (data: Buffer, basename: string) => ({ filename: basename, data }),
  ) {
    const shrunk: string[] = [];
    const { sent, target } = recorder();
    const reporter = new ProgressReporter(target, log, intervalMs);
    const d = new DraftPreviews(
      (data, basename) => {
        shrunk.push(data.toString());
        return shrink(data, basename);
      },
      'draft-job',
      reporter,
      log,
    );
    const shown = () => sent.map((s) => s.what);
    const deliver = () =>
      reporter.finish(() => target.deliver({ kind: 'failed', message: phrase('failure.generic') }));
    return { d, shown, shrunk, deliver };
  }

  test('shows each draft of the current attempt, and a retry starts clean', async () => {
    vi.useFakeTimers();
    const { d, shown } = previews(0);
    d.startAttempt(1);
    await vi.advanceTimersByTimeAsync(10);
    d.offer(interim(1, 1));
    await vi.advanceTimersByTimeAsync(10);
    d.startAttempt(2);
    await vi.advanceTimersByTimeAsync(10);
    d.offer(interim(1, 2)); // late, from the attempt that failed
    d.offer(interim(2, 1));
    await vi.advanceTimersByTimeAsync(10);
    expect(shown()).toEqual(['generating 1', 'generating 1 draft 1', 'generating 2', 'generating 2 draft 1']);
  });

  test('a draft still waiting for its edit when Gemini answers is never shrunk', async () => {
    vi.useFakeTimers();
    const { d, shown, shrunk, deliver } = previews(2000);
    d.startAttempt(1);
    await vi.advanceTimersByTimeAsync(100);
    // The "Generating…" edit was just sent: this draft's edit would have to wait 2 s.
    d.offer(interim(1, 1));
    await vi.advanceTimersByTimeAsync(500);
    d.close();
    await deliver();
    await vi.advanceTimersByTimeAsync(5000);
    expect(shrunk).toEqual([]);
    expect(shown()).toEqual(['generating 1', 'result']);
  });

  test('a draft still being shrunk when Gemini answers is not shown', async () => {
    let finishShrink: () => void = () => undefined;
    const { d, shown, deliver } = previews(0, (data, filename) => {
      return new Promise((resolve) => (finishShrink = () => resolve({ filename, data })));
    });
    d.offer(interim(1, 1));
    await new Promise((r) => setTimeout(r, 10));
    d.close();
    const delivered = deliver();
    finishShrink();
    await delivered;
    expect(shown()).toEqual(['result']);
  });

  test('of drafts waiting for one edit only the newest is shrunk; one that cannot be read is skipped', async () => {
    vi.useFakeTimers();
    const { d, shown, shrunk } = previews(2000, async (data, filename) => {
      if (data.toString() === '1/3') throw new Error('not an image');
      return { filename, data };
    });
    d.startAttempt(1);
    await vi.advanceTimersByTimeAsync(10);
    d.offer(interim(1, 1));
    d.offer(interim(1, 2));
    await vi.advanceTimersByTimeAsync(3000);
    d.offer(interim(1, 3));
    await vi.advanceTimersByTimeAsync(3000);
    expect(shrunk).toEqual(['1/2', '1/3']);
    expect(shown()).toEqual(['generating 1', 'generating 1 draft 2']);
  });
});
