// Minimum-cost assignment (the Hungarian method, Kuhn 1955 / Munkres 1957) in its O(n^2 m) shortest augmenting
// path form with row and column potentials (Jonker-Volgenant style). The tracker's matrices are tiny (faces per
// frame), so clarity beats cleverness; the O(n^3) bound matters only against pathological inputs.

/**
 * Assigns rows to columns of `cost` (rows x cols, row-major, finite numbers) minimising the total cost. Every row
 * gets a column when rows <= cols, else every column gets a row. Returns, for each row, its column or -1.
 */
export function hungarian(cost: ArrayLike<number>, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows).fill(-1);
  if (rows === 0 || cols === 0) return out;
  if (cost.length !== rows * cols) throw new RangeError(`hungarian: cost has ${cost.length} entries, expected ${rows}x${cols}`);
  // The algorithm wants n <= m: solve the transpose when there are more rows than columns.
  const flip = rows > cols;
  const n = flip ? cols : rows;
  const m = flip ? rows : cols;
  const a = (i: number, j: number): number => (flip ? cost[j * cols + i]! : cost[i * cols + j]!);
  // 1-based arrays; index 0 is the virtual start column of each augmenting search.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: row matched to column j (0: none)
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = a(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    // Flip the augmenting path.
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  for (let j = 1; j <= m; j++) {
    const i = p[j]!;
    if (i === 0) continue;
    if (flip) out[j - 1] = i - 1;
    else out[i - 1] = j - 1;
  }
  return out;
}
