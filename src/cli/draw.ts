// A tiny rasteriser for annotating detections on an RGBA buffer in place: box outlines, landmark dots and short
// labels in a 3x5 bitmap font (digits, '.', '-', '%' and A-Z). No anti-aliasing: the output is for eyes, and exact
// pixels keep it testable. Everything is clipped to the image, so boxes reaching past the border are fine.
import type { RgbaImage } from '../face/image.js';

export type Rgba = readonly [number, number, number, number];

export const COLOURS = {
  box: [0, 230, 64, 255] as Rgba,
  landmark: [255, 40, 40, 255] as Rgba,
  label: [255, 255, 255, 255] as Rgba,
  labelBack: [0, 120, 32, 255] as Rgba,
};

function plot(img: RgbaImage, x: number, y: number, c: Rgba): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const o = (y * img.width + x) * 4;
  const a = c[3] / 255;
  for (let k = 0; k < 3; k++) img.data[o + k] = Math.round(c[k]! * a + img.data[o + k]! * (1 - a));
  img.data[o + 3] = Math.max(img.data[o + 3]!, c[3]);
}

/** Fills the integer rectangle [x0, x1) x [y0, y1), clipped to the image. */
export function fillRect(img: RgbaImage, x0: number, y0: number, x1: number, y1: number, c: Rgba): void {
  const xa = Math.max(0, Math.floor(x0));
  const ya = Math.max(0, Math.floor(y0));
  const xb = Math.min(img.width, Math.floor(x1));
  const yb = Math.min(img.height, Math.floor(y1));
  for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) plot(img, x, y, c);
}

/** A rectangle outline `thickness` pixels wide, inside the box { x, y, width, height } (image pixels). */
export function strokeRect(img: RgbaImage, box: { x: number; y: number; width: number; height: number }, c: Rgba, thickness = 2): void {
  const x0 = Math.round(box.x);
  const y0 = Math.round(box.y);
  const x1 = Math.round(box.x + box.width);
  const y1 = Math.round(box.y + box.height);
  const t = Math.max(1, Math.min(thickness, Math.ceil((x1 - x0) / 2), Math.ceil((y1 - y0) / 2)));
  fillRect(img, x0, y0, x1, y0 + t, c);
  fillRect(img, x0, y1 - t, x1, y1, c);
  fillRect(img, x0, y0 + t, x0 + t, y1 - t, c);
  fillRect(img, x1 - t, y0 + t, x1, y1 - t, c);
}

/** A filled disc of `radius` pixels centred on (x, y). */
export function fillDot(img: RgbaImage, x: number, y: number, radius: number, c: Rgba): void {
  const cx = Math.round(x);
  const cy = Math.round(y);
  const r = Math.max(0, Math.round(radius));
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) if (dx * dx + dy * dy <= r * r + r) plot(img, cx + dx, cy + dy, c);
  }
}

// 3x5 glyphs, one row per 3 bits (MSB left), top row first.
const GLYPHS: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 2, 2], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  '.': [0, 0, 0, 0, 2], '-': [0, 0, 7, 0, 0], '%': [5, 1, 2, 4, 5], ' ': [0, 0, 0, 0, 0], '_': [0, 0, 0, 0, 7],
  '?': [7, 1, 2, 0, 2], ':': [0, 2, 0, 2, 0],
  A: [2, 5, 7, 5, 5], B: [6, 5, 6, 5, 6], C: [7, 4, 4, 4, 7], D: [6, 5, 5, 5, 6], E: [7, 4, 6, 4, 7], F: [7, 4, 6, 4, 4],
  G: [7, 4, 5, 5, 7], H: [5, 5, 7, 5, 5], I: [7, 2, 2, 2, 7], J: [1, 1, 1, 5, 7], K: [5, 5, 6, 5, 5], L: [4, 4, 4, 4, 7],
  M: [5, 7, 7, 5, 5], N: [6, 5, 5, 5, 5], O: [7, 5, 5, 5, 7], P: [7, 5, 7, 4, 4], Q: [7, 5, 5, 7, 1], R: [6, 5, 6, 5, 5],
  S: [7, 4, 7, 1, 7], T: [7, 2, 2, 2, 2], U: [5, 5, 5, 5, 7], V: [5, 5, 5, 5, 2], W: [5, 5, 7, 7, 5], X: [5, 5, 2, 5, 5],
  Y: [5, 5, 2, 2, 2], Z: [7, 1, 2, 4, 7],
};

/** Width in pixels of `text` drawn at `scale` (4 * scale per glyph: 3 columns and a gap). */
export function textWidth(text: string, scale: number): number {
  return Math.max(0, text.length * 4 * scale - scale);
}

/** Draws `text` (upper-cased; unknown characters as '?') with its top-left corner at (x, y), pixels `scale` wide. */
export function drawText(img: RgbaImage, x: number, y: number, text: string, c: Rgba, scale = 2): void {
  let penX = Math.round(x);
  const top = Math.round(y);
  for (const ch of text.toUpperCase()) {
    const g = GLYPHS[ch] ?? GLYPHS['?']!;
    g.forEach((bits, row) => {
      for (let col = 0; col < 3; col++) {
        if (bits & (4 >> col)) fillRect(img, penX + col * scale, top + row * scale, penX + (col + 1) * scale, top + (row + 1) * scale, c);
      }
    });
    penX += 4 * scale;
  }
}

export interface Annotation {
  box: { x: number; y: number; width: number; height: number };
  landmarks?: readonly { x: number; y: number }[];
  label?: string;
}

/**
 * Draws each face's box, landmarks and label onto `img` (in place). Line width and glyph size follow the image
 * size so annotations stay visible on large photos and do not swamp small ones.
 */
export function annotate(img: RgbaImage, faces: readonly Annotation[]): void {
  const side = Math.max(img.width, img.height);
  const thick = Math.max(1, Math.round(side / 300));
  const scale = Math.max(1, Math.round(side / 400));
  for (const f of faces) {
    strokeRect(img, f.box, COLOURS.box, thick);
    const pts = f.landmarks ?? [];
    const r = pts.length > 5 ? Math.max(1, Math.round(thick / 2)) : thick + 1;
    for (const p of pts) fillDot(img, p.x, p.y, r, COLOURS.landmark);
    if (f.label) {
      const h = 7 * scale;
      const w = textWidth(f.label, scale) + 2 * scale;
      // Above the box when there is room, else inside its top edge.
      const x0 = Math.max(0, Math.min(Math.round(f.box.x), img.width - w));
      const y0 = Math.round(f.box.y) - h >= 0 ? Math.round(f.box.y) - h : Math.max(0, Math.round(f.box.y));
      fillRect(img, x0, y0, x0 + w, y0 + h, COLOURS.labelBack);
      drawText(img, x0 + scale, y0 + scale, f.label, COLOURS.label, scale);
    }
  }
}
