// Reads test/onnx/exclusions.json and decides, for each case folder, whether it is excluded and why. The file
// is checked as strictly as the cases: an entry must name an existing folder (or match one), carry a reason, and
// decide at least one folder; an `op` entry may not name an op the mapping takes on (those are excluded case by
// case, so a new case of a mapped op is run by default).
import { readFileSync } from 'node:fs';

export interface ExclusionEntry {
  /** exact case folder name */
  case?: string;
  /** regular expression over case folder names */
  pattern?: string;
  /** every folder of this ONNX op (only for ops without a mapping) */
  op?: string;
  reason: string;
}

export interface ExclusionResult {
  /** case name -> reason, for every excluded folder */
  excluded: Map<string, string>;
  /** problems with the file itself; the runner fails on any */
  problems: string[];
}

export function readExclusions(path: string): ExclusionEntry[] {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { exclusions?: unknown };
  if (!Array.isArray(json.exclusions)) throw new Error(`${path}: no "exclusions" array`);
  return json.exclusions as ExclusionEntry[];
}

/** First matching entry wins; entries are checked in file order. */
export function applyExclusions(
  entries: readonly ExclusionEntry[],
  cases: readonly { name: string; op: string }[],
  mappedOps: readonly string[],
): ExclusionResult {
  const problems: string[] = [];
  const names = new Set(cases.map((c) => c.name));
  const matchers: ((c: { name: string; op: string }) => boolean)[] = entries.map((e, i) => {
    const where = `exclusions[${i}] ${JSON.stringify(e.case ?? e.pattern ?? e.op)}`;
    const keys = (['case', 'pattern', 'op'] as const).filter((k) => e[k] !== undefined);
    const extra = Object.keys(e).filter((k) => !['case', 'pattern', 'op', 'reason'].includes(k));
    if (keys.length !== 1) problems.push(`${where}: needs exactly one of "case", "pattern", "op"`);
    if (extra.length) problems.push(`${where}: unknown key(s) ${extra.join(', ')}`);
    if (typeof e.reason !== 'string' || e.reason.trim().length < 8) problems.push(`${where}: needs a reason`);
    if (e.case !== undefined) {
      if (!names.has(e.case)) problems.push(`${where}: excluded case '${e.case}' does not exist`);
      return (c) => c.name === e.case;
    }
    if (e.pattern !== undefined) {
      let re: RegExp;
      try {
        re = new RegExp(e.pattern);
      } catch (err) {
        problems.push(`${where}: bad pattern: ${(err as Error).message}`);
        return () => false;
      }
      return (c) => re.test(c.name);
    }
    if (e.op !== undefined) {
      if (mappedOps.includes(e.op)) problems.push(`${where}: op '${e.op}' has a mapping; exclude its cases one by one or by pattern`);
      return (c) => c.op === e.op;
    }
    return () => false;
  });
  const excluded = new Map<string, string>();
  const wins = new Array<number>(entries.length).fill(0);
  for (const c of cases) {
    const i = matchers.findIndex((m) => m(c));
    if (i < 0) continue;
    wins[i]!++;
    excluded.set(c.name, entries[i]!.reason);
  }
  wins.forEach((w, i) => {
    if (!w) problems.push(`exclusions[${i}] ${JSON.stringify(entries[i]!.case ?? entries[i]!.pattern ?? entries[i]!.op)}: excludes nothing (no such case, or an earlier entry already excludes it)`);
  });
  return { excluded, problems };
}
