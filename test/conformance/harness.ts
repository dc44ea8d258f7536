// Node side of the conformance harness: the core plus writing reports with fs.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { ResultCollector } from './harness-core.js';

export * from './harness-core.js';

/** Collects results across a test file and writes reports/conformance-<name>.json atomically. */
export class ResultLog extends ResultCollector {
  write(name: string): void {
    mkdirSync('reports', { recursive: true });
    const path = `reports/conformance-${name}.json`;
    writeFileSync(path + '.tmp', this.json());
    renameSync(path + '.tmp', path);
  }
}
