export { downloadAttachment, isAllowedUrl, type DownloadPolicy } from './download.js';
export { fitToUploadLimit, type FitInput } from './fit.js';
export { createImageLoader, createLoader } from './load.js';
export { MAX_INPUT_PIXELS, normalizeImage, type NormalizeOptions } from './normalize.js';
export { looksLikeText, sniffType, type SniffedType } from './sniff.js';
