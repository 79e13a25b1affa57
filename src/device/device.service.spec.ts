import { coveringPaths } from './device.service.js';

describe('coveringPaths', () => {
  it('lists the commune and every ancestor, root first', () => {
    expect(coveringPaths('/p/d/c/')).toEqual(['/p/', '/p/d/', '/p/d/c/']);
  });

  it('handles a commune directly under its province, and a lone root', () => {
    expect(coveringPaths('/p/c/')).toEqual(['/p/', '/p/c/']);
    expect(coveringPaths('/p/')).toEqual(['/p/']);
  });
});
