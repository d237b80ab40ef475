/**
 * The baseline: bare @google/genai generateContent calls, one at a time, in a process of their
 * own like the bot's. Reads its task from BENCH_BASELINE (JSON), prints the call durations.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { GoogleGenAI, type Part } from '@google/genai';

export interface BaselineTask {
  baseUrl: string;
  apiKey: string;
  model: string;
  prompt: string;
  /** Input images sent inline, as /edit does. */
  imagePaths: { path: string; mimeType: string }[];
  calls: number;
}

export interface BaselineResult {
  /** performance.now() durations of each awaited generateContent call, in order. */
  durations: number[];
}

async function main(): Promise<void> {
  const task = JSON.parse(process.env.BENCH_BASELINE ?? '') as BaselineTask;
  const ai = new GoogleGenAI({ apiKey: task.apiKey, httpOptions: { baseUrl: task.baseUrl } });
  // Encoded once, outside the timing: the baseline is the call itself.
  const images: Part[] = task.imagePaths.map(({ path, mimeType }) => ({
    inlineData: { mimeType, data: readFileSync(path).toString('base64') },
  }));
  const durations: number[] = [];
  for (let i = 0; i < task.calls; i++) {
    const started = performance.now();
    const response = await ai.models.generateContent({
      model: task.model,
      contents: [{ role: 'user', parts: [{ text: `${task.prompt} #${i}` }, ...images] }],
      config: { responseModalities: ['TEXT', 'IMAGE'] },
    });
    durations.push(performance.now() - started);
    const hasImage = response.candidates?.[0]?.content?.parts?.some((p) => p.inlineData?.data);
    if (!hasImage) throw new Error(`call ${i} brought no image`);
  }
  process.stdout.write(`${JSON.stringify({ durations } satisfies BaselineResult)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
