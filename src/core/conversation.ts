/**
 * One part of an earlier model turn in a refine conversation. Model parts keep their thought
 * signatures; image bytes are not stored, only which delivered image a part was (imageIndex), and
 * are re-attached from the delivered message when the turn is replayed.
 */
export interface StoredPart {
  readonly text?: string;
  readonly imageIndex?: number;
  readonly thoughtSignature?: string;
}

/** One earlier exchange: what the member asked and what the model answered. */
export interface HistoryTurn {
  readonly prompt: string;
  readonly modelParts: readonly StoredPart[];
}
