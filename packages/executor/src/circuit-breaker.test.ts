import { CircuitOpenError, InvalidInputError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

function clock() {
  let nowMs = 0;
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

const fail = () => {
  throw new Error('boom');
};

describe('CircuitBreaker', () => {
  it('opens at the failure ratio once the window has enough calls', async () => {
    const breaker = new CircuitBreaker({ minimumCalls: 4, windowSize: 4, failureRatio: 0.5 });
    await breaker.execute(() => 1);
    await breaker.execute(() => 1);
    await expect(breaker.execute(fail)).rejects.toThrow('boom');
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(fail)).rejects.toThrow('boom');
    expect(breaker.state).toBe('open');
    let called = false;
    await expect(
      breaker.execute(() => {
        called = true;
      }),
    ).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(false);
  });

  it('lets one trial through after openMs; success closes, failure reopens', async () => {
    const time = clock();
    const breaker = new CircuitBreaker({ minimumCalls: 1, windowSize: 1, openMs: 1000, now: time.now });
    await expect(breaker.execute(fail)).rejects.toThrow('boom');
    expect(breaker.state).toBe('open');
    time.advance(999);
    await expect(breaker.execute(() => 1)).rejects.toThrow(/retry in 1 ms/);
    time.advance(1);
    expect(breaker.state).toBe('half-open');
    await expect(breaker.execute(fail)).rejects.toThrow('boom');
    expect(breaker.state).toBe('open');
    time.advance(1000);
    await expect(breaker.execute(() => 'ok')).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('refuses a second call while the half-open trial is running', async () => {
    const time = clock();
    const breaker = new CircuitBreaker({ minimumCalls: 1, windowSize: 1, openMs: 10, now: time.now });
    await expect(breaker.execute(fail)).rejects.toThrow();
    time.advance(10);
    let finish!: () => void;
    const trial = breaker.execute(() => new Promise<void>((resolve) => (finish = resolve)));
    await expect(breaker.execute(() => 1)).rejects.toBeInstanceOf(CircuitOpenError);
    finish();
    await trial;
    expect(breaker.state).toBe('closed');
  });

  it('only counts the most recent windowSize calls', async () => {
    const breaker = new CircuitBreaker({ minimumCalls: 4, windowSize: 4, failureRatio: 0.75 });
    for (let i = 0; i < 2; i++) await expect(breaker.execute(fail)).rejects.toThrow();
    for (let i = 0; i < 4; i++) await breaker.execute(() => 1);
    await expect(breaker.execute(fail)).rejects.toThrow();
    await expect(breaker.execute(fail)).rejects.toThrow();
    expect(breaker.state).toBe('closed');
  });

  it('validates its options by name', () => {
    expect(() => new CircuitBreaker({ failureRatio: 0 })).toThrow(InvalidInputError);
    expect(() => new CircuitBreaker({ failureRatio: 1.5 })).toThrow(/options\.failureRatio/);
    expect(() => new CircuitBreaker({ windowSize: 0 })).toThrow(
      /options\.windowSize must be a positive integer/,
    );
    expect(() => new CircuitBreaker({ openMs: -1 })).toThrow(/options\.openMs/);
  });
});
