import { describe, expect, it } from 'vitest';
import { machineFingerprint } from './machine-fingerprint.js';

const facts = { cpuModel: ' AMD  EPYC 7B13 ', cores: 2, memoryLimitBytes: 24 * 1024 ** 3, nodeMajor: 20 };

describe('machineFingerprint', () => {
  it('is readable and normalises whitespace', () => {
    expect(machineFingerprint(facts)).toBe('AMD EPYC 7B13|2 cores|24.00 GiB|node 20');
  });

  it('ignores memory differences below 128 MiB but not core or Node changes', () => {
    expect(machineFingerprint({ ...facts, memoryLimitBytes: facts.memoryLimitBytes - 50 * 1024 ** 2 })).toBe(
      machineFingerprint(facts),
    );
    expect(machineFingerprint({ ...facts, cores: 4 })).not.toBe(machineFingerprint(facts));
    expect(machineFingerprint({ ...facts, nodeMajor: 22 })).not.toBe(machineFingerprint(facts));
  });

  it('keeps the separator unambiguous', () => {
    expect(machineFingerprint({ ...facts, cpuModel: 'a|b' }).split('|')).toHaveLength(4);
  });
});
