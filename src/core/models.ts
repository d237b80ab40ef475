/**
 * What the bot knows about each Gemini image model: data, not code. Request building, the refine
 * handler, the start-up check and the Discord options all read this one table, so a new model is
 * one entry here.
 *
 * Figures are from Google's Gemini API documentation (model pages, deprecations page,
 * changelog and pricing page as of 2026-12-01). Prices are the standard (non-batch) price of one
 * output image, in USD: output tokens per image times the model's output-token price.
 */

export const IMAGE_SIZES = ['512', '1K', '2K', '4K'] as const;
export type ImageSize = (typeof IMAGE_SIZES)[number];

export const THINKING_LEVELS = ['minimal', 'high'] as const;
export type ThinkingLevel = (typeof THINKING_LEVELS)[number];

/** The ten ratios every Gemini image model takes. */
export const COMMON_ASPECT_RATIOS = [
  '1:1',
  '2:3',
  '3:2',
  '3:4',
  '4:3',
  '4:5',
  '5:4',
  '9:16',
  '16:9',
  '21:9',
] as const;
/** The extra, extreme ratios of the Gemini 3.1 Flash family. */
export const WIDE_ASPECT_RATIOS = ['1:4', '4:1', '1:8', '8:1'] as const;

export type ModelStatus =
  | { readonly kind: 'ga'; readonly since: string }
  | { readonly kind: 'shut-down'; readonly on: string; readonly replacement: string };

export interface ModelInfo {
  readonly id: string;
  /** False for a model the table does not list: every figure is then a conservative default. */
  readonly known: boolean;
  /** The short name offered when GEMINI_MODELS does not name it (a Discord choice name). */
  readonly shortName: string;
  readonly description: string;
  readonly sizes: readonly ImageSize[];
  readonly aspectRatios: readonly string[];
  /** Input images one request may carry, the picture being refined included. */
  readonly maxReferenceImages: number;
  /**
   * The longest input side worth sending: the model tokenises an image at a fixed budget, so more
   * pixels than this cost upload bytes and nothing else. Undefined: only MAX_INPUT_SIDE applies.
   */
  readonly maxInputSide?: number;
  /** `levels`: thinkingLevel may be sent; `always`: the model thinks and takes no level; `none`: no thinking. */
  readonly thinking: 'levels' | 'always' | 'none';
  readonly thinkingLevels: readonly ThinkingLevel[];
  /** Replayed model turns must carry their thought signatures (Gemini 3). */
  readonly thoughtSignatures: boolean;
  readonly search: { readonly web: boolean; readonly image: boolean };
  /** USD per output image by size; missing for a size the model does not make. */
  readonly pricePerImageUsd: Readonly<Partial<Record<ImageSize, number>>>;
  readonly status: ModelStatus;
  /** Where the figures come from. */
  readonly source: string;
}

const ALL_RATIOS = [...COMMON_ASPECT_RATIOS, ...WIDE_ASPECT_RATIOS];
/**
 * Gemini 3 reads an input image at media resolution HIGH by default, 1120 tokens (Google's
 * media-resolution page; Vertex AI's image-understanding page: "default resolution tokens: 1120");
 * the per-part ULTRA_HIGH level, 2240 tokens, is not used by this bot. Google gives token budgets,
 * not pixels: 1536 px is a margin above what 1120 (or even 2240) tokens can resolve at any usual
 * vision patch size (about 28-32 px a token side), so faces and logos keep every pixel the model sees.
 */
const GEMINI_3_INPUT_SIDE = 1536;
const GA_2026_05_28: ModelStatus = { kind: 'ga', since: '2026-05-28' };

/** The model offered when the operator names none. */
export const DEFAULT_MODEL = 'gemini-3.1-flash-image';

const CATALOGUE: readonly Omit<ModelInfo, 'known'>[] = [
  {
    id: 'gemini-3.1-flash-image',
    shortName: 'flash',
    description: 'Nano Banana 2: fast and inexpensive, every size from 512 to 4K, web and image search',
    sizes: ['512', '1K', '2K', '4K'],
    aspectRatios: ALL_RATIOS,
    // About 10 objects and 4 characters at high fidelity.
    maxReferenceImages: 14,
    maxInputSide: GEMINI_3_INPUT_SIDE,
    thinking: 'levels',
    thinkingLevels: ['minimal', 'high'],
    thoughtSignatures: true,
    search: { web: true, image: true },
    // $60 per million output tokens; sources disagree on the 2K/4K token counts, these are Google's.
    pricePerImageUsd: { '512': 0.045, '1K': 0.067, '2K': 0.101, '4K': 0.151 },
    status: GA_2026_05_28,
    source: 'Gemini API image generation and pricing pages, GA announcement 2026-05-28',
  },
  {
    id: 'gemini-3-pro-image',
    shortName: 'pro',
    description: 'Nano Banana Pro: the most careful, always thinks first, web search',
    sizes: ['1K', '2K', '4K'],
    aspectRatios: COMMON_ASPECT_RATIOS,
    // About 6 objects and 5 people.
    maxReferenceImages: 14,
    maxInputSide: GEMINI_3_INPUT_SIDE,
    thinking: 'always',
    thinkingLevels: [],
    thoughtSignatures: true,
    search: { web: true, image: false },
    // 1120 output tokens at 1K/2K, 2000 at 4K, at $120 per million.
    pricePerImageUsd: { '1K': 0.134, '2K': 0.134, '4K': 0.24 },
    status: GA_2026_05_28,
    source: 'Gemini API image generation and pricing pages, GA announcement 2026-05-28',
  },
  {
    id: 'gemini-3.1-flash-lite-image',
    shortName: 'lite',
    description: 'The cheapest and fastest: 1K only',
    sizes: ['1K'],
    aspectRatios: ALL_RATIOS,
    maxReferenceImages: 14,
    maxInputSide: GEMINI_3_INPUT_SIDE,
    thinking: 'always',
    thinkingLevels: [],
    thoughtSignatures: true,
    search: { web: false, image: false },
    pricePerImageUsd: { '1K': 0.034 },
    status: { kind: 'ga', since: '2026-06-30' },
    source: 'Gemini API models and pricing pages, GA 2026-06-30',
  },
  {
    id: 'gemini-2.5-flash-image',
    shortName: 'flash-2-5',
    description: 'Nano Banana (first generation), shut down',
    sizes: ['1K'],
    aspectRatios: COMMON_ASPECT_RATIOS,
    // Works best with up to 3.
    maxReferenceImages: 3,
    // Gemini 2.5 reads images in 768 px tiles; two tiles a side is more than it uses.
    maxInputSide: GEMINI_3_INPUT_SIDE,
    thinking: 'none',
    thinkingLevels: [],
    thoughtSignatures: false,
    search: { web: false, image: false },
    // 1290 output tokens at $30 per million.
    pricePerImageUsd: { '1K': 0.039 },
    status: { kind: 'shut-down', on: '2026-10-02', replacement: DEFAULT_MODEL },
    source: 'Gemini API deprecations page (shut down October 2, 2026)',
  },
];

const BY_ID = new Map(CATALOGUE.map((m) => [m.id, { ...m, known: true }]));

/** Every model the table lists, current ones first. */
export function knownModels(): readonly ModelInfo[] {
  return [...BY_ID.values()];
}

/** The most expensive known 1K price: what an unknown model is budgeted at. */
export const UNKNOWN_MODEL_PRICE_1K_USD = Math.max(...CATALOGUE.map((m) => m.pricePerImageUsd['1K'] ?? 0));

/**
 * The table's entry, or for a model it does not list, conservative defaults: 1K only, the ten
 * common ratios, 3 references, no grounding, no thinking control, and the dearest known 1K price.
 */
export function modelInfo(id: string): ModelInfo {
  const known = BY_ID.get(id);
  if (known) return known;
  return {
    id,
    known: false,
    shortName: 'default',
    description: 'a model the bot does not know: conservative defaults',
    sizes: ['1K'],
    aspectRatios: COMMON_ASPECT_RATIOS,
    maxReferenceImages: 3,
    thinking: 'none',
    thinkingLevels: [],
    // Gemini 3 models refuse replayed image parts without signatures; sending the documented
    // placeholder costs an older model nothing, so an unknown gemini-3+ id gets them.
    thoughtSignatures: /^gemini-([3-9]|\d{2,})/.test(id),
    search: { web: false, image: false },
    pricePerImageUsd: { '1K': UNKNOWN_MODEL_PRICE_1K_USD },
    status: { kind: 'ga', since: 'unknown' },
    source: 'not in the catalogue: defaults',
  };
}

export function maxReferenceImages(id: string): number {
  return modelInfo(id).maxReferenceImages;
}

export function usesThoughtSignatures(id: string): boolean {
  return modelInfo(id).thoughtSignatures;
}

export function supportsSize(id: string, size: ImageSize): boolean {
  return modelInfo(id).sizes.includes(size);
}

export function supportsRatio(id: string, ratio: string): boolean {
  return modelInfo(id).aspectRatios.includes(ratio);
}

export function isShutDown(id: string): boolean {
  return modelInfo(id).status.kind === 'shut-down';
}

/** The ratios any of these models takes, in the catalogue's order (for one Discord option list). */
export function offeredRatios(models: readonly string[]): string[] {
  const wanted = new Set(models.flatMap((m) => modelInfo(m).aspectRatios));
  return ALL_RATIOS.filter((r) => wanted.has(r));
}

/** The sizes any of these models makes, smallest first. */
export function offeredSizes(models: readonly string[]): ImageSize[] {
  const wanted = new Set(models.flatMap((m) => modelInfo(m).sizes));
  return IMAGE_SIZES.filter((s) => wanted.has(s));
}

/**
 * The price of one output image for cost accounting. `estimated` is true when the model or the
 * size is not in the table and the dearest known price of that size (or of 1K) stands in.
 */
export function pricePerImage(id: string, size: ImageSize = '1K'): { usd: number; estimated: boolean } {
  const info = modelInfo(id);
  const listed = info.known ? info.pricePerImageUsd[size] : undefined;
  if (listed !== undefined) return { usd: listed, estimated: false };
  const dearest = Math.max(0, ...CATALOGUE.map((m) => m.pricePerImageUsd[size] ?? 0));
  return { usd: dearest || UNKNOWN_MODEL_PRICE_1K_USD, estimated: true };
}
