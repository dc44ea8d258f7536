#!/usr/bin/env node
// facegpu: the command-line entry (package.json "bin"). Everything lives in program.ts; this file only runs it
// and sets the exit code (process.exitCode, so stdout is flushed before the process ends).
import { runCli } from './program.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`facegpu: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
