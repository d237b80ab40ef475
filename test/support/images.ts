import sharp from 'sharp';

/** A real PNG of the given size, one flat colour. */
export function png(width = 64, height = 64, color = { r: 200, g: 120, b: 40 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } })
    .png()
    .toBuffer();
}

export function jpeg(width = 64, height = 64, options: { orientation?: number } = {}): Promise<Buffer> {
  const img = sharp({ create: { width, height, channels: 3, background: { r: 10, g: 90, b: 200 } } }).jpeg();
  return (options.orientation ? img.withMetadata({ orientation: options.orientation }) : img).toBuffer();
}

/** Random pixels compress badly: a PNG this size is close to width*height*3 bytes. */
export function noisePng(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i += 4)
    raw.writeUInt32LE((Math.random() * 0xffffffff) >>> 0, Math.min(i, raw.length - 4));
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}
