import { describe, expect, test } from 'vitest';
import { Metrics } from '../../src/metrics/metrics.js';

describe('metrics', () => {
  test('every metric the operator guide names is exported with its labels', async () => {
    const m = new Metrics();
    m.watchQueue(() => ({ queued: 3, generating: 1 }));
    m.watchGateway(() => true);
    m.jobEnded('imagine', 'images');
    m.refused('budget');
    m.queueWaited(1500);
    m.geminiCall('gemini-3-pro-image', 4200);
    m.geminiRateLimited('gemini-3-pro-image');
    m.geminiRetried('gemini-3-pro-image');
    m.jobCost('gemini-3-pro-image', { prompt: 12, output: 2000, thinking: 240 }, 0.24);
    m.delivered('reply');
    const body = await m.registry.metrics();
    for (const line of [
      'banana_jobs_total{kind="imagine",outcome="images"} 1',
      'banana_jobs_refused_total{reason="budget"} 1',
      'banana_queue_depth 3',
      'banana_jobs_generating 1',
      'banana_queue_wait_seconds_count 1',
      'banana_gemini_request_duration_seconds_bucket{le="5",model="gemini-3-pro-image"} 1',
      'banana_gemini_rate_limited_total{model="gemini-3-pro-image"} 1',
      'banana_gemini_retries_total{model="gemini-3-pro-image"} 1',
      'banana_gemini_tokens_total{model="gemini-3-pro-image",type="output"} 2000',
      'banana_gemini_tokens_total{model="gemini-3-pro-image",type="thinking"} 240',
      'banana_estimated_cost_usd_total{model="gemini-3-pro-image"} 0.24',
      'banana_discord_gateway_connected 1',
      'banana_deliveries_total{path="reply"} 1',
    ]) {
      expect(body).toContain(line);
    }
    expect(body).toContain('process_cpu_seconds_total');
  });

  test('two bots in one process keep their numbers apart', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.jobEnded('edit', 'failed');
    expect(await b.registry.metrics()).not.toContain('outcome="failed"');
  });
});
