// Prints what failed in the given npm-test stages (reports/<stage>.log, written by scripts/test.sh): the failed
// tests, their assertion messages and any unhandled errors, without colour codes. CI shows only the tail of a run,
// so this goes last.
import { readFileSync, existsSync } from 'node:fs';

const MARK = /(FAIL|✗|×|Unhandled|Error:|Error\b.*:|AssertionError|expected|Expected|Received|Timed out|timed out|Test Files|Tests {2})/;
for (const stage of process.argv.slice(2)) {
  const file = `reports/${stage}.log`;
  console.log(`\n=== stage '${stage}' failed; from ${file}:`);
  if (!existsSync(file)) {
    console.log('(no log)');
    continue;
  }
  const lines = readFileSync(file, 'utf8').replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const keep = new Set();
  lines.forEach((l, i) => {
    if (MARK.test(l) && !/^\s*✓/.test(l)) for (let j = Math.max(0, i - 1); j <= Math.min(lines.length - 1, i + 3); j++) keep.add(j);
  });
  const picked = [...keep].sort((a, b) => a - b);
  let last = -2;
  let printed = 0;
  for (const i of picked) {
    if (printed >= 150) {
      console.log(`... (${picked.length - printed} more lines in ${file})`);
      break;
    }
    if (i !== last + 1) console.log('--');
    console.log(lines[i].slice(0, 300));
    last = i;
    printed++;
  }
  if (!picked.length) console.log(lines.slice(-40).join('\n'));
}
