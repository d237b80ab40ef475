/** Per-model facts the emulator needs: output sizes, accepted image options, token costs. */

export const DEFAULT_MODELS = [
  'gemini-2.5-flash-image',
  'gemini-3-pro-image',
  'gemini-3-pro-image-preview',
  'gemini-3.1-flash-image',
  'gemini-3.1-flash-image-preview',
  'gemini-3.1-flash-lite-image',
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

export type ModelFamily = 'flash-2.5' | 'pro-3' | 'flash-3.1';

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
  if (model.startsWith('gemini-3.1-flash')) return 'flash-3.1';
  if (model.startsWith('gemini-3')) return 'pro-3';
  return 'flash-2.5';
}

/** Gemini 3 models think before answering and sign their parts. */
export function modelThinks(model: string): boolean {
  return model.startsWith('gemini-3');
}

export function supportedAspectRatios(model: string): string[] {
  return modelFamily(model) === 'flash-3.1'
    ? [...COMMON_ASPECT_RATIOS, ...FLASH_31_EXTRA_ASPECT_RATIOS]
    : COMMON_ASPECT_RATIOS;
}

/** Empty for 2.5 Flash, which ignores imageSize. */
export function supportedImageSizes(model: string): string[] {
  switch (modelFamily(model)) {
    case 'flash-3.1':
      return ['512', '1K', '2K', '4K'];
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
  }
}

/** Input tokens charged per inline image in the prompt. */
export function imageInputTokens(model: string): number {
  return modelFamily(model) === 'flash-2.5' ? 258 : 560;
}

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
