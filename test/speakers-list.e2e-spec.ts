import { startTestApp, type TestApp } from './helpers/app.js';
import { areaTree, auth, createSpeaker } from './helpers/fixtures.js';

/** GET /speakers: natural order, search, online filter and paging over the caller's area. */
describe('listing receivers', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  const names = ['Loa thôn 10', 'Loa thôn 2', 'Loa thôn 1', 'Ấp Đông', 'Loa thôn 11', 'Bản Mô Phí', 'loa 100% công suất'];
  let tokens: Map<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
    tokens = new Map();
    for (const name of names) tokens.set(name, (await createSpeaker(t, tree.staffA.token, tree.communeA.id, name)).deviceToken);
    await createSpeaker(t, tree.staffB.token, tree.communeB.id, 'Loa thôn 3 Tả Van');
    // Two receivers poll: online.
    for (const name of ['Loa thôn 2', 'Bản Mô Phí']) expect((await t.http.get('/api/v1/device/queue').set(auth(tokens.get(name)!))).status).toBe(200);
  });
  afterAll(() => t.close());

  const list = async (token: string, query: Record<string, string | number>) => {
    const res = await t.http.get('/api/v1/speakers').query(query).set(auth(token));
    expect(res.status).toBe(200);
    return { names: (res.body.items as Array<{ name: string }>).map((s) => s.name), total: res.body.total as number, items: res.body.items };
  };

  it('sorts names in Vietnamese order with numbers by value, and pages that order', async () => {
    const all = await list(tree.staffA.token, { communeId: tree.communeA.id });
    expect(all.names).toEqual(['Ấp Đông', 'Bản Mô Phí', 'loa 100% công suất', 'Loa thôn 1', 'Loa thôn 2', 'Loa thôn 10', 'Loa thôn 11']);
    const second = await list(tree.staffA.token, { communeId: tree.communeA.id, limit: 3, offset: 3 });
    expect(second).toMatchObject({ names: ['Loa thôn 1', 'Loa thôn 2', 'Loa thôn 10'], total: 7 });
    expect((await list(tree.staffA.token, { limit: 3, offset: 9 })).names).toEqual([]);
  });

  it('finds by part of the name or location, letter case and marks ignored, wildcards taken literally', async () => {
    expect((await list(tree.staffA.token, { q: 'THÔN 1' })).names).toEqual(['Loa thôn 1', 'Loa thôn 10', 'Loa thôn 11']);
    // Typed without tones or with capitals: found all the same.
    expect((await list(tree.staffA.token, { q: 'thon 1' })).names).toEqual(['Loa thôn 1', 'Loa thôn 10', 'Loa thôn 11']);
    expect((await list(tree.staffA.token, { q: 'ấp đông' })).names).toEqual(['Ấp Đông']);
    expect((await list(tree.staffA.token, { q: 'AP DONG' })).names).toEqual(['Ấp Đông']);
    expect((await list(tree.staffA.token, { q: '100%' })).names).toEqual(['loa 100% công suất']);
    expect((await list(tree.staffA.token, { q: '_' })).names).toEqual([]);
    // Another district's receiver is not found by the first district's staff, and is by the province's auditor.
    expect((await list(tree.staffA.token, { q: 'Tả Van' })).total).toBe(0);
    expect((await list(tree.auditor.token, { q: 'Tả Van' })).names).toEqual(['Loa thôn 3 Tả Van']);
  });

  it('filters by online status', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500)); // contacts are written once a second
    const online = await list(tree.staffA.token, { online: 'true' });
    expect(online.names).toEqual(['Bản Mô Phí', 'Loa thôn 2']);
    expect(online.items.every((s: { online: boolean }) => s.online)).toBe(true);
    const offline = await list(tree.staffA.token, { communeId: tree.communeA.id, online: 'false' });
    expect(offline.total).toBe(5);
    expect(offline.items.every((s: { online: boolean }) => !s.online)).toBe(true);
  });

  it('answers 400 for a bad filter and 404 for a commune outside the caller', async () => {
    for (const query of [{ online: 'yes' }, { q: '' }, { q: 'x'.repeat(201) }]) {
      const res = await t.http.get('/api/v1/speakers').query(query).set(auth(tree.staffA.token));
      expect(res.status).toBe(400);
    }
    expect((await t.http.get('/api/v1/speakers').query({ communeId: tree.communeB.id }).set(auth(tree.staffA.token))).status).toBe(404);
  });
});
