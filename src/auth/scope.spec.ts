import { ancestorPaths, inScope, onBranch } from './scope.js';

describe('area scope', () => {
  const province = '/p/';
  const district = '/p/d/';
  const commune = '/p/d/c/';
  const otherCommune = '/p/e/c2/';

  it('admins without an area see everything', () => {
    expect(inScope({ areaPath: null }, otherCommune)).toBe(true);
    expect(onBranch({ areaPath: null }, otherCommune)).toBe(true);
  });

  it('a subtree holds the area itself and everything below it, nothing beside or above', () => {
    expect(inScope({ areaPath: district }, district)).toBe(true);
    expect(inScope({ areaPath: district }, commune)).toBe(true);
    expect(inScope({ areaPath: district }, otherCommune)).toBe(false);
    expect(inScope({ areaPath: district }, province)).toBe(false);
  });

  it('a branch adds the ancestors: a province segment serves its communes', () => {
    expect(onBranch({ areaPath: commune }, province)).toBe(true);
    expect(onBranch({ areaPath: province }, commune)).toBe(true);
    expect(onBranch({ areaPath: commune }, '/p/e/')).toBe(false);
  });

  it('lists a path and its ancestors, ending with the path itself', () => {
    expect(ancestorPaths(commune)).toEqual(['/', province, district, commune]);
    expect(ancestorPaths(province)).toEqual(['/', province]);
    expect(ancestorPaths('/p/c/')).toEqual(['/', '/p/', '/p/c/']);
    for (const path of ancestorPaths(commune)) expect(onBranch({ areaPath: commune }, path)).toBe(true);
  });

  it('does not confuse ids that share a prefix', () => {
    expect(inScope({ areaPath: '/p/d/' }, '/p/d2/')).toBe(false);
  });
});
