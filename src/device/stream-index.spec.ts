import { StreamIndex } from './stream-index.js';

const stream = (speakerId: string, ...areaIds: string[]) => ({ speakerId, areaIds });

describe('StreamIndex', () => {
  const province = 'p';
  const district = 'd';
  const communeA = 'ca';
  const communeB = 'cb';

  it('finds the streams of an area subtree through any area on their path, and named speakers only within the area', () => {
    const index = new StreamIndex<ReturnType<typeof stream>>();
    const a1 = stream('a1', province, district, communeA);
    const a2 = stream('a2', province, district, communeA);
    const b1 = stream('b1', province, communeB);
    for (const s of [a1, a2, b1]) index.add(s);
    expect([...index.audience({ areaId: province, speakerIds: null })]).toEqual([a1, a2, b1]);
    expect([...index.audience({ areaId: district, speakerIds: null })]).toEqual([a1, a2]);
    expect([...index.audience({ areaId: communeB, speakerIds: null })]).toEqual([b1]);
    expect([...index.audience({ areaId: 'elsewhere', speakerIds: null })]).toEqual([]);
    expect([...index.audience({ areaId: communeA, speakerIds: ['a2', 'b1', 'gone'] })]).toEqual([a2]);
  });

  it('keeps one stream per speaker: a new one replaces (and answers) the old; removing a replaced stream changes nothing', () => {
    const index = new StreamIndex<ReturnType<typeof stream>>();
    const first = stream('a1', province, communeA);
    const second = stream('a1', province, communeA);
    expect(index.add(first)).toBeUndefined();
    expect(index.add(second)).toBe(first);
    expect(index.remove(first)).toBe(false);
    expect(index.size).toBe(1);
    expect([...index.audience({ areaId: province, speakerIds: null })]).toEqual([second]);
    expect(index.remove(second)).toBe(true);
    expect(index.size).toBe(0);
    expect([...index.audience({ areaId: province, speakerIds: null })]).toEqual([]);
  });
});
