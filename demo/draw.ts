// Drawing the results over the photo: one overlay canvas in the image's own pixels (CSS scales it with the
// photo), boxes coloured per identity, landmarks as dots, a name tag above each box.
import type { FaceResult } from './pipeline.js';

/** A stable colour per name; unknown faces are white. */
export function colourFor(name: string | null): string {
  if (name === null) return '#ffffff';
  let h = 0;
  for (const c of name) h = (h * 31 + c.codePointAt(0)!) >>> 0;
  return `hsl(${(h * 137.5) % 360} 85% 70%)`;
}

/** The text drawn on a face's tag (and read in the results list). */
export function faceLabel(f: FaceResult): string {
  return f.name ?? 'unknown';
}

/** `label` replaces the tag text (the video panel's "#<track id> <name>"). */
export function drawOverlay(canvas: HTMLCanvasElement, width: number, height: number, faces: readonly FaceResult[], label?: (f: FaceResult, i: number) => string): void {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, width, height);
  // Line widths and text in image pixels, scaled by how much CSS shrinks the photo, so that tags read at about
  // 14 CSS px whatever the photo's size (the overlay must be laid out, i.e. visible, before drawing).
  const unit = Math.max(1, width / (canvas.clientWidth || Math.min(width, 700)));
  const font = Math.round(14 * unit);
  ctx.font = `600 ${font}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  faces.forEach((f, i) => {
    const colour = colourFor(f.name);
    const { x, y, width: w, height: h } = f.box;
    ctx.lineWidth = 2.5 * unit;
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.55)';
    ctx.strokeRect(x, y, w, h);
    ctx.lineWidth = 1.6 * unit;
    ctx.strokeStyle = colour;
    ctx.strokeRect(x, y, w, h);
    if (f.landmarks) {
      // Dots in the face's colour with a thin dark rim, visible on light and dark skin and backgrounds alike.
      ctx.fillStyle = colour;
      ctx.strokeStyle = 'rgba(0, 0, 0, 0.6)';
      ctx.lineWidth = 0.6 * unit;
      const r = Math.max(1.3, 1.5 * unit);
      for (const p of f.landmarks) {
        ctx.beginPath();
        ctx.arc(p.x, p.y, f.landmarks.length === 5 ? r * 1.8 : r, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      }
    }
    // The tag: "1 Leonard 0.43" above the box (inside it when the box touches the top).
    const dist = f.distance === null ? '' : ` ${f.distance.toFixed(2)}`;
    const text = label ? label(f, i) : `${i + 1} ${faceLabel(f)}${f.name === null ? '' : dist}`;
    const pad = 3 * unit;
    const tw = ctx.measureText(text).width + 2 * pad;
    const th = font + 2 * pad;
    const tx = Math.min(Math.max(0, x - ctx.lineWidth / 2), width - tw);
    const ty = y - th >= 0 ? y - th : Math.max(0, y);
    ctx.fillStyle = f.name === null ? 'rgba(20, 22, 26, 0.8)' : colour;
    ctx.fillRect(tx, ty, tw, th);
    ctx.fillStyle = f.name === null ? '#ffffff' : '#111111';
    ctx.fillText(text, tx + pad, ty + pad);
  });
}
