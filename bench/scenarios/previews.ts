import type { InteractionHandle } from '../../src/playground/discord/index.js';
import type { World } from '../../test/emulators/world.js';
import type { ScenarioReport } from '../report.js';
import { formatMs, median, percentile } from '../stats.js';
import { withWorld } from '../support/worlds.js';

const JOBS = 10;
const MODEL = 'gemini-3.1-flash-image';
/** Emulated Gemini: the thought text after 1 s, then a chunk every 1.5 s: draft 1, draft 2, the picture. */
const FIRST_CHUNK_MS = 1000;
const CHUNK_GAP_MS = 1500;
const FIRST_DRAFT_AT = FIRST_CHUNK_MS + CHUNK_GAP_MS;
const FINAL_AT = FIRST_CHUNK_MS + 3 * CHUNK_GAP_MS;
const DRAFT_ALT = /rough draft/;

interface JobTimes {
  firstDraft: number | undefined;
  result: number;
  /** First draft edit received minus when the emulator wrote the first draft chunk. */
  draftDelay: number | undefined;
  draftEdits: number;
}

/** Scenario 6: how soon a member sees Gemini's first draft, beside how soon they see the picture. */
export async function previewsScenario(): Promise<ScenarioReport> {
  const streamed = await withWorld({ env: { PREVIEWS: 'true' } }, (world) => measure(world, 'previews'));
  const plain = await withWorld({ env: { PREVIEWS: 'false' } }, (world) => measure(world, 'plain'));
  const row = (name: string, times: JobTimes[]) => {
    const drafts = times.flatMap((t) => (t.firstDraft === undefined ? [] : [t.firstDraft]));
    const delays = times.flatMap((t) => (t.draftDelay === undefined ? [] : [t.draftDelay]));
    return [
      name,
      String(times.length),
      drafts.length > 0 ? formatMs(median(drafts)) : 'none shown',
      delays.length > 0 ? formatMs(median(delays)) : '—',
      formatMs(median(times.map((t) => t.result))),
      formatMs(
        percentile(
          times.map((t) => t.result),
          90,
        ),
      ),
      `${times.reduce((n, t) => n + t.draftEdits, 0)} / ${times.length * 2}`,
    ];
  };
  return {
    title: '6. Live previews: time to the first draft and to the picture',
    method: `${JOBS} sequential /imagine jobs per row on ${MODEL}. The emulated Gemini streams the thought text ${FIRST_CHUNK_MS} ms after the request, then draft 1, draft 2 and the final picture ${CHUNK_GAP_MS} ms apart (first draft written at ${FIRST_DRAFT_AT} ms, picture at ${FINAL_AT} ms). With PREVIEWS=false it answers the plain request after the same ${FINAL_AT} ms. Times run from the interaction's dispatch to the Discord emulator receiving the edit: the first edit carrying a draft, and the edit carrying the picture. The draft delay is that first draft edit minus the moment the emulator wrote the first draft's chunk: the bot's own cost of showing it (read, shrink to 512 px, upload).`,
    tables: [
      {
        headers: [
          'Mode',
          'Jobs',
          'Dispatch -> first draft p50',
          'Bot’s draft delay p50',
          'Dispatch -> picture p50',
          'Dispatch -> picture p90',
          'Draft edits sent / drawn',
        ],
        rows: [row('PREVIEWS=true (streamed)', streamed), row('PREVIEWS=false (plain request)', plain)],
      },
    ],
    notes: [
      `Draft 2 comes ${CHUNK_GAP_MS} ms after draft 1, inside the 2 s per-job interval, so the reporter holds it until 2 s after draft 1's edit. It still goes out before the picture, ${CHUNK_GAP_MS} ms after draft 2 was written, so every draft was shown.`,
    ],
  };
}

async function measure(world: World, mode: 'previews' | 'plain'): Promise<JobTimes[]> {
  const stream = { chunkLatencyMs: CHUNK_GAP_MS };
  const behaviour =
    mode === 'previews'
      ? { kind: 'image' as const, thoughtImages: 2, latencyMs: FIRST_CHUNK_MS, stream }
      : { kind: 'image' as const, thoughtImages: 2, latencyMs: FINAL_AT };
  await world.gemini.warmUp([{ model: MODEL }]);
  const times: JobTimes[] = [];
  for (let i = -1; i < JOBS; i++) {
    world.gemini.reset();
    world.gemini.setDefault(behaviour);
    const started = Date.now();
    const h = await world.discord.dispatchCommand('imagine', { prompt: `preview bench ${i}` });
    await h.waitForOriginal((m) => m.attachments.length > 0 && !/Draft/.test(m.content), 30_000);
    // The first job warms the bot's paths (sharp, connections) and is not counted.
    if (i >= 0) times.push(timesOf(h, started, world.gemini.requests[0]?.at ?? started));
  }
  return times;
}

function timesOf(h: InteractionHandle, dispatched: number, requestAt: number): JobTimes {
  const edits = h.state().edits.map((edit) => {
    const body = edit.body as { content?: string; attachments?: { description?: string }[] } | undefined;
    const files = (body?.attachments ?? []).map((a) => a.description ?? '');
    return { at: edit.at, draft: files.some((f) => DRAFT_ALT.test(f)), files: files.length };
  });
  const drafts = edits.filter((e) => e.draft);
  const result = edits.findLast((e) => e.files > 0 && !e.draft);
  return {
    firstDraft: drafts[0] ? drafts[0].at - dispatched : undefined,
    draftDelay: drafts[0] ? drafts[0].at - (requestAt + FIRST_DRAFT_AT) : undefined,
    result: (result?.at ?? Number.NaN) - dispatched,
    draftEdits: drafts.length,
  };
}
