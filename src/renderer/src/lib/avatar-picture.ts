/**
 * Our own avatar before it is published: the picture the user chose, cropped to a centred square
 * and scaled down to at most OWN_AVATAR_MAX pixels a side, as PNG. Done here (canvas) so that a
 * camera's photo of several megabytes becomes the small picture every client fetches; the core
 * still checks what it gets (type from the bytes, size and dimension limits).
 */

/** The published avatar's largest side (the size clients show avatars at, with room for HiDPI). */
export const OWN_AVATAR_MAX = 192;

export interface SquareCrop {
  /** Where the square starts in the source picture. */
  x: number;
  y: number;
  /** The square's side in the source picture. */
  side: number;
  /** The published picture's side. */
  size: number;
}

/** The centred square of a width × height picture, and the side it is scaled to (never up). */
export function squareCrop(width: number, height: number, max = OWN_AVATAR_MAX): SquareCrop {
  const side = Math.min(width, height);
  return {
    x: Math.floor((width - side) / 2),
    y: Math.floor((height - side) / 2),
    side,
    size: Math.max(1, Math.min(side, max)),
  };
}

/**
 * The picture to publish: the chosen file cropped and scaled as PNG. A file the browser cannot read
 * as a picture is handed on as it is, so that the core refuses it with its own reason.
 */
export async function avatarPicture(file: Blob): Promise<Blob> {
  let source: ImageBitmap;
  try {
    source = await createImageBitmap(file);
  } catch {
    return file;
  }
  try {
    const crop = squareCrop(source.width, source.height);
    const canvas = document.createElement('canvas');
    canvas.width = crop.size;
    canvas.height = crop.size;
    const context = canvas.getContext('2d');
    if (!context) return file;
    context.imageSmoothingQuality = 'high';
    context.drawImage(source, crop.x, crop.y, crop.side, crop.side, 0, 0, crop.size, crop.size);
    const png = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    return png ?? file;
  } finally {
    source.close();
  }
}
