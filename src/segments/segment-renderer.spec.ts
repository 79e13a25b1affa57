import { formatDuration } from './segment-renderer.js';

describe('formatDuration', () => {
  it('reads as people say durations, to the tenth of a second', () => {
    expect(formatDuration(60)).toBe('1 min');
    expect(formatDuration(75.04)).toBe('1 min 15 s');
    expect(formatDuration(95)).toBe('1 min 35 s');
    expect(formatDuration(3725)).toBe('1 h 2 min 5 s');
    expect(formatDuration(7200)).toBe('2 h');
    expect(formatDuration(0.25)).toBe('0.3 s');
    expect(formatDuration(0)).toBe('0 s');
  });

  it('never shows an overrun as the limit it exceeds', () => {
    expect(formatDuration(1800.4)).toBe('30 min 0.4 s');
    expect(formatDuration(1800.4)).not.toBe(formatDuration(1800));
  });
});
