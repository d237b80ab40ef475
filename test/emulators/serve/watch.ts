import type { DiscordEmulator } from '../../../src/playground/discord/index.js';
import type { GeminiEmulator } from '../../../src/playground/gemini/index.js';
import { clip, clock, describeBody, LIVE_WIDTH, oneLine, placeOf } from './format.js';

const POLL_MS = 150;

/** Prints the bot's new messages and edits, new threads and finished Gemini requests; returns a stop function. */
export function watch(
  discord: DiscordEmulator,
  gemini: GeminiEmulator,
  print: (line: string) => void,
): () => void {
  const seenVersion = new Map<string, string>();
  const printedBody = new Map<string, string>();
  const seenThreads = new Set<string>();
  let geminiPrinted = 0;
  const tick = () => {
    // Gemini first: its answer comes before the bot's message about it.
    // Requests finish in order of arrival closely enough for a console; a hang holds the rest back.
    while (geminiPrinted < gemini.requests.length) {
      const r = gemini.requests[geminiPrinted];
      if (!r || (r.status === 0 && !r.aborted)) break;
      geminiPrinted++;
      const prompt = clip(oneLine(r.texts.join(' ')), 60);
      const images = r.images.length > 0 ? ` +${r.images.length} image${r.images.length > 1 ? 's' : ''}` : '';
      const history = r.history.length > 0 ? `, ${r.history.length} earlier turns` : '';
      const answer = r.aborted ? 'aborted by the bot' : `${r.status} ${r.behaviour ?? 'invalid request'}`;
      print(`[${clock()}] gemini #${r.seq} ${r.model} “${prompt}”${images}${history} → ${answer}`);
    }
    for (const t of discord.threads) {
      if (seenThreads.has(t.id)) continue;
      seenThreads.add(t.id);
      print(`[${clock()}] thread + ${t.id} “${t.name}” in ${placeOf(discord, t.parentId)}`);
    }
    for (const m of discord.messages) {
      if (!m.author.bot) continue;
      const version = `${m.editCount}:${m.deleted}:${m.flags}`;
      if (seenVersion.get(m.id) === version) continue;
      seenVersion.set(m.id, version);
      const body = describeBody(discord, m, LIVE_WIDTH);
      const before = printedBody.get(m.id);
      // Progress edits often rewrite the same words; only a visible change is worth a line.
      if (before === body) continue;
      printedBody.set(m.id, body);
      const mark = before === undefined ? '+' : m.deleted ? '-' : '~';
      print(`[${clock()}] bot ${mark} ${m.id} ${placeOf(discord, m.channelId)}: ${body}`);
    }
  };
  const timer = setInterval(tick, POLL_MS);
  return () => clearInterval(timer);
}
