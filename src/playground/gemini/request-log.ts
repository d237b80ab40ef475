import type { IncomingMessage } from 'node:http';
import type { ApiVersion, RecordedGeminiRequest } from './types.js';

/** A request's entry in the log, as it arrives: the body and the answer are filled in later. */
export function newRecord(
  seq: number,
  at: number,
  request: IncomingMessage,
  apiVersion: ApiVersion,
  model: string,
): RecordedGeminiRequest {
  return {
    seq,
    route: 'generateContent',
    chunks: 0,
    sse: false,
    at,
    model,
    apiVersion,
    body: undefined,
    texts: [],
    images: [],
    history: [],
    generationConfig: undefined,
    tools: undefined,
    headers: { ...request.headers },
    status: 0,
    behaviour: undefined,
    aborted: false,
  };
}

/** Tests waiting for a number of requests to have arrived (bodies read). */
export class ArrivalWaiters {
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(private readonly requests: RecordedGeminiRequest[]) {}

  wait(count: number, timeoutMs: number): Promise<RecordedGeminiRequest[]> {
    if (this.arrived() >= count) return Promise.resolve(this.requests);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        reject(new Error(`waited ${timeoutMs} ms for ${count} Gemini requests, got ${this.arrived()}`));
      }, timeoutMs);
      const entry = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.requests);
        },
      };
      this.waiters.push(entry);
    });
  }

  /** A body has been read: wakes whoever now has enough. */
  notify(): void {
    const arrived = this.arrived();
    const ready = this.waiters.filter((waiter) => waiter.count <= arrived);
    this.waiters = this.waiters.filter((waiter) => waiter.count > arrived);
    for (const waiter of ready) waiter.resolve();
  }

  private arrived(): number {
    return this.requests.filter((request) => request.body !== undefined).length;
  }
}
