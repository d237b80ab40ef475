/** One model the operator offers, under the short name members pick it by. */
export interface OfferedModel {
  readonly name: string;
  readonly model: string;
}

/** Which setting named the offered models: what an operator message tells them to change. */
export type ModelSetting = 'GEMINI_MODEL' | 'GEMINI_MODELS';

/**
 * The models this bot offers right now, in the operator's order; the first is the default. It
 * starts as configured and shrinks only when the start-up lookup finds a model Google no longer
 * serves, so the Discord options and the adapter's default never name a model known to be gone.
 */
export class ModelRoster {
  private current: readonly OfferedModel[];

  constructor(
    readonly configured: readonly OfferedModel[],
    readonly setting: ModelSetting = 'GEMINI_MODEL',
  ) {
    if (configured.length === 0) throw new Error('ModelRoster needs at least one model');
    this.current = configured;
  }

  /** The usable models, in order. Empty only after every one was withdrawn. */
  get offered(): readonly OfferedModel[] {
    return this.current;
  }

  /** The model a request without one goes to. */
  get defaultModel(): string {
    return (this.current[0] ?? this.configured[0]!).model;
  }

  byName(name: string): OfferedModel | undefined {
    return this.current.find((m) => m.name === name);
  }

  isOffered(model: string): boolean {
    return this.current.some((m) => m.model === model);
  }

  /** The start-up lookup found the model gone: stop offering it. */
  withdraw(model: string): void {
    this.current = this.current.filter((m) => m.model !== model);
  }
}
