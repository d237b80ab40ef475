import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What each label of a metric may be, so a dashboard's queries can rely on them. */
export type TokenType = 'prompt' | 'output' | 'thinking';

/**
 * The bot's Prometheus metrics, in a registry of its own (no process-wide default registry: two
 * bots in one test process keep their numbers apart). README's operator guide says what each means.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly jobs = new Counter({
    name: 'banana_jobs_total',
    help: 'Jobs that ended, by kind (imagine, edit, refine) and outcome (images, text, refused, failed)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly refusals = new Counter({
    name: 'banana_jobs_refused_total',
    help: 'Requests refused before queueing, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private readonly wait = new Histogram({
    name: 'banana_queue_wait_seconds',
    help: 'Time a job waited in the queue before its Gemini phase began',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });
  private readonly gemini = new Histogram({
    name: 'banana_gemini_request_duration_seconds',
    help: 'Duration of one Gemini call (one attempt), by model',
    labelNames: ['model'] as const,
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: 'banana_gemini_rate_limited_total',
    help: 'Gemini calls answered 429 (quota), by model',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: 'banana_gemini_retries_total',
    help: 'Gemini calls retried after a retryable failure, by model',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: 'banana_gemini_tokens_total',
    help: 'Tokens Gemini reported, by model and type (prompt, output, thinking)',
    labelNames: ['model', 'type'] as const,
    registers: [this.registry],
  });
  private readonly cost = new Counter({
    name: 'banana_estimated_cost_usd_total',
    help: 'Estimated cost in US dollars of the jobs that reached Gemini, by model',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'banana_deliveries_total',
    help: 'Result messages posted, by path (reply and placeholder: an edit; follow-up; channel, thread, parent: a channel fallback; dm)',
    labelNames: ['path'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Queue depth and jobs generating, read at each scrape. */
  watchQueue(stats: () => { readonly queued: number; readonly generating: number }): void {
    new Gauge({
      name: 'banana_queue_depth',
      help: 'Jobs waiting in the queue',
      registers: [this.registry],
      collect() {
        this.set(stats().queued);
      },
    });
    new Gauge({
      name: 'banana_jobs_generating',
      help: 'Jobs in their Gemini phase',
      registers: [this.registry],
      collect() {
        this.set(stats().generating);
      },
    });
  }

  /** 1 while the Discord gateway is connected, read at each scrape. */
  watchGateway(connected: () => boolean): void {
    new Gauge({
      name: 'banana_discord_gateway_connected',
      help: '1 while the Discord gateway session is ready, else 0',
      registers: [this.registry],
      collect() {
        this.set(connected() ? 1 : 0);
      },
    });
  }

  jobEnded(kind: string, outcome: string): void {
    this.jobs.inc({ kind, outcome });
  }

  refused(reason: string): void {
    this.refusals.inc({ reason });
  }

  queueWaited(ms: number): void {
    this.wait.observe(ms / 1000);
  }

  geminiCall(model: string, ms: number): void {
    this.gemini.observe({ model }, ms / 1000);
  }

  geminiRateLimited(model: string): void {
    this.rateLimited.inc({ model });
  }

  geminiRetried(model: string): void {
    this.retries.inc({ model });
  }

  jobCost(model: string, tokens: Readonly<Record<TokenType, number>>, usd: number): void {
    for (const [type, n] of Object.entries(tokens)) if (n > 0) this.tokens.inc({ model, type }, n);
    this.cost.inc({ model }, usd);
  }

  delivered(path: string): void {
    this.deliveries.inc({ path });
  }
}
