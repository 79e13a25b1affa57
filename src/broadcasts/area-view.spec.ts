import { coveringPaths, pathsAbove } from '../auth/scope.js';
import { areaView, sees, userView } from './area-view.js';

describe('area views', () => {
  it('lists the areas above a path, and the covering ones', () => {
    expect(pathsAbove('/p/d/c/')).toEqual(['/p/', '/p/d/']);
    expect(pathsAbove('/p/')).toEqual([]);
    expect(coveringPaths('/p/d/c/')).toEqual(['/p/', '/p/d/', '/p/d/c/']);
  });

  it('sees the subtree and the emergencies above, never a sibling branch', () => {
    const district = areaView('/p/d/');
    expect(sees(district, '/p/d/c/')).toBe(true);
    expect(sees(district, '/p/d/')).toBe(true);
    expect(sees(district, '/p/')).toBe(true);
    expect(sees(district, '/p/e/c/')).toBe(false);
    expect(sees(district, '/q/')).toBe(false);
    expect(sees(userView({ areaPath: null }), '/q/r/')).toBe(true);
  });
});
