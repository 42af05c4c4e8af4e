import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const built = (file: string) =>
  readFileSync(fileURLToPath(new URL(`../../dist/${file}`, import.meta.url)), 'utf8');

describe('entries', () => {
  it('the main entry never loads bullmq: only the ./bullmq sub-path and the bin do', () => {
    for (const file of ['index.js', 'index.cjs', 'worker.js']) {
      expect(built(file)).not.toMatch(/from ['"]bullmq['"]|require\(['"]bullmq['"]\)/);
    }
    expect(built('bullmq.js')).toMatch(/from ['"]bullmq['"]/);
    expect(built('bullmq.cjs')).toMatch(/require\(['"]bullmq['"]\)/);
    expect(built('toolbox-worker.js').startsWith('#!/usr/bin/env node')).toBe(true);
  });
});
