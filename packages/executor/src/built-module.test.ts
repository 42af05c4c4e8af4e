import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ToolboxError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { builtModule } from './built-module.js';

describe('builtModule', () => {
  const root = mkdtempSync(join(tmpdir(), 'toolbox-built-'));
  mkdirSync(join(root, 'dist'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'dist', 'worker.js'), '');

  it('finds the module beside the running built file', () => {
    expect(builtModule(pathToFileURL(join(root, 'dist', 'index.cjs')), 'worker.js')).toBe(
      join(root, 'dist', 'worker.js'),
    );
  });

  it('finds the built module from the sources', () => {
    expect(builtModule(pathToFileURL(join(root, 'src', 'index.ts')), 'worker.js')).toBe(
      join(root, 'dist', 'worker.js'),
    );
  });

  it('names the missing file when the package is not built', () => {
    expect(() => builtModule(pathToFileURL(join(root, 'src', 'index.ts')), 'nope.js')).toThrow(ToolboxError);
    expect(() => builtModule(pathToFileURL(join(root, 'src', 'index.ts')), 'nope.js')).toThrow(
      /nope\.js not found beside .*build the package first/,
    );
  });
});
