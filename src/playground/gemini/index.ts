export { startGeminiEmulator } from './server.js';
export type * from './types.js';
export {
  DEFAULT_MODELS,
  PLACEHOLDER_THOUGHT_SIGNATURE,
  SHUT_DOWN_MODELS,
  maxInputImages,
  imageOutputTokens,
  modelThinks,
  outputSize,
  supportedAspectRatios,
  supportedImageSizes,
} from './model-catalogue.js';
export { formatRetryDelay, parseRetryDelay, type GoogleErrorBody } from './google-errors.js';
export { tagImage } from './image-factory.js';
