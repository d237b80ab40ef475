/**
 * Per-model facts the emulator needs: output sizes, accepted image options, token costs. Kept apart
 * from the bot's own catalogue (src/core/models.ts) on purpose: the emulator plays Google, so a
 * wrong figure in the bot shows up as a test failure instead of agreeing with itself. Figures from
 * Google's Gemini API documentation (status as of 2026-12-01).
 */

/** The image models Google serves (what generateContent and the Models API answer for). */
export const DEFAULT_MODELS = ['gemini-3-pro-image', 'gemini-3.1-flash-image', 'gemini-3.1-flash-lite-image'];

/**
 * Shut down: 404 NOT_FOUND on generateContent and the Models API alike. A test may still serve
 * one by naming it in the `models` option (the world before the shutdown).
 */
export const SHUT_DOWN_MODELS = [
  'gemini-2.5-flash-image',
  'gemini-2.5-flash-image-preview',
  'gemini-3-pro-image-preview',
  'gemini-3.1-flash-image-preview',
];

/** Placeholder signature Google documents for history not produced by the model itself. */
export const PLACEHOLDER_THOUGHT_SIGNATURE = 'context_engineering_is_the_way_to_go';

export const ACCEPTED_INPUT_MIME_TYPES = [
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/heic',
  'image/heif',
];

export type ModelFamily = 'flash-2.5' | 'pro-3' | 'flash-3.1' | 'flash-lite-3.1';

export interface PixelSize {
  width: number;
  height: number;
}

const COMMON_ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
const FLASH_31_EXTRA_ASPECT_RATIOS = ['1:4', '4:1', '1:8', '8:1'];

const FLASH_25_SIZES: Record<string, PixelSize> = {
  '1:1': { width: 1024, height: 1024 },
  '2:3': { width: 832, height: 1248 },
  '3:2': { width: 1248, height: 832 },
  '3:4': { width: 864, height: 1184 },
  '4:3': { width: 1184, height: 864 },
  '4:5': { width: 896, height: 1152 },
  '5:4': { width: 1152, height: 896 },
  '9:16': { width: 768, height: 1344 },
  '16:9': { width: 1344, height: 768 },
  '21:9': { width: 1536, height: 672 },
};

/** Gemini 3 sizes at 1K; 2K and 4K are exact multiples. */
const GEMINI_3_1K_SIZES: Record<string, PixelSize> = {
  '1:1': { width: 1024, height: 1024 },
  '2:3': { width: 848, height: 1264 },
  '3:2': { width: 1264, height: 848 },
  '3:4': { width: 896, height: 1200 },
  '4:3': { width: 1200, height: 896 },
  '4:5': { width: 928, height: 1152 },
  '5:4': { width: 1152, height: 928 },
  '9:16': { width: 768, height: 1376 },
  '16:9': { width: 1376, height: 768 },
  '21:9': { width: 1584, height: 672 },
};

const IMAGE_SIZE_SCALE: Record<string, number> = { '512': 0.5, '1K': 1, '2K': 2, '4K': 4 };

export function modelFamily(model: string): ModelFamily {
  if (model.startsWith('gemini-3.1-flash-lite')) return 'flash-lite-3.1';
  if (model.startsWith('gemini-3.1-flash')) return 'flash-3.1';
  if (model.startsWith('gemini-3')) return 'pro-3';
  return 'flash-2.5';
}

/** Gemini 3 models think before answering and sign their parts. */
export function modelThinks(model: string): boolean {
  return model.startsWith('gemini-3');
}

export function supportedAspectRatios(model: string): string[] {
  const family = modelFamily(model);
  return family === 'flash-3.1' || family === 'flash-lite-3.1'
    ? [...COMMON_ASPECT_RATIOS, ...FLASH_31_EXTRA_ASPECT_RATIOS]
    : COMMON_ASPECT_RATIOS;
}

/** Input images one request may carry (2.5 Flash: Google says it works best with 3, and we hold it to that). */
export function maxInputImages(model: string): number {
  return modelFamily(model) === 'flash-2.5' ? 3 : 14;
}

/** thinkingConfig.thinkingLevel values a model takes; the others always think (Gemini 3) or never do. */
export function supportedThinkingLevels(model: string): string[] {
  return modelFamily(model) === 'flash-3.1' ? ['MINIMAL', 'HIGH'] : [];
}

/** Google Search grounding: web on 3 Pro and 3.1 Flash, image search on 3.1 Flash only. */
export function supportedSearchTypes(model: string): string[] {
  switch (modelFamily(model)) {
    case 'flash-3.1':
      return ['webSearch', 'imageSearch'];
    case 'pro-3':
      return ['webSearch'];
    default:
      return [];
  }
}

const DISPLAY_NAMES: Record<ModelFamily, string> = {
  'flash-2.5': 'Nano Banana',
  'pro-3': 'Nano Banana Pro',
  'flash-3.1': 'Nano Banana 2',
  'flash-lite-3.1': 'Gemini 3.1 Flash-Lite Image',
};

/** A model as the Models API describes it (google.ai.generativelanguage.v1beta.Model). */
export function modelResource(model: string): Record<string, unknown> {
  return {
    name: `models/${model}`,
    version: '001',
    displayName: DISPLAY_NAMES[modelFamily(model)],
    description: `Gemini image generation model (${model}).`,
    inputTokenLimit: modelFamily(model) === 'flash-2.5' ? 32_768 : 65_536,
    outputTokenLimit: 32_768,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'batchGenerateContent'],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: modelThinks(model),
  };
}

/** Non-image models a real key also lists, so the bot must pick the image ones out. */
export const OTHER_LISTED_MODELS: Record<string, unknown>[] = [
  {
    name: 'models/gemini-3-flash',
    version: '001',
    displayName: 'Gemini 3 Flash',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent'],
  },
  {
    name: 'models/gemini-embedding-001',
    version: '001',
    displayName: 'Gemini Embedding 001',
    inputTokenLimit: 2048,
    outputTokenLimit: 1,
    supportedGenerationMethods: ['embedContent', 'countTokens'],
  },
  {
    name: 'models/imagen-4.0-generate-001',
    version: '001',
    displayName: 'Imagen 4',
    inputTokenLimit: 480,
    outputTokenLimit: 8192,
    supportedGenerationMethods: ['predict'],
  },
];

/** Empty for 2.5 Flash, which ignores imageSize. */
export function supportedImageSizes(model: string): string[] {
  switch (modelFamily(model)) {
    case 'flash-3.1':
      return ['512', '1K', '2K', '4K'];
    case 'flash-lite-3.1':
      return ['1K'];
    case 'pro-3':
      return ['1K', '2K', '4K'];
    case 'flash-2.5':
      return [];
  }
}

function roundTo16(value: number): number {
  return Math.max(16, Math.round(value / 16) * 16);
}

function parseAspectRatio(aspectRatio: string): number {
  const [w, h] = aspectRatio.split(':').map(Number);
  return w && h ? w / h : 1;
}

/** Keeps the area of a square side `side` at the requested ratio. */
function sizeByArea(side: number, aspectRatio: string): PixelSize {
  const ratio = parseAspectRatio(aspectRatio);
  const area = side * side;
  return { width: roundTo16(Math.sqrt(area * ratio)), height: roundTo16(Math.sqrt(area / ratio)) };
}

export function outputSize(model: string, aspectRatio = '1:1', imageSize = '1K'): PixelSize {
  if (modelFamily(model) === 'flash-2.5') {
    return FLASH_25_SIZES[aspectRatio] ?? sizeByArea(1024, aspectRatio);
  }
  const scale = IMAGE_SIZE_SCALE[imageSize] ?? 1;
  const base = GEMINI_3_1K_SIZES[aspectRatio];
  if (base && scale >= 1) return { width: base.width * scale, height: base.height * scale };
  return sizeByArea(1024 * scale, aspectRatio);
}

/** Output tokens billed per generated image. */
export function imageOutputTokens(model: string, imageSize = '1K'): number {
  switch (modelFamily(model)) {
    case 'flash-2.5':
      return 1290;
    case 'pro-3':
      return imageSize === '4K' ? 2000 : 1120;
    case 'flash-3.1':
      return { '512': 747, '1K': 1120, '2K': 1680, '4K': 2520 }[imageSize] ?? 1120;
    case 'flash-lite-3.1':
      return 1120;
  }
}

/** Input tokens charged per inline image in the prompt. */
export function imageInputTokens(model: string): number {
  return modelFamily(model) === 'flash-2.5' ? 258 : 560;
}

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
