import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { AreaEntity } from '../src/areas/area.entity.js';
import { OfficialUnits } from '../src/areas/official-units.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { auth, createArea, createSpeaker, createUser } from './helpers/fixtures.js';
import { createReadySegment } from './helpers/segments.js';
import { waitUntil } from './helpers/waiting.js';

const run = promisify(execFile);
const QUANG_NINH = '22'; // 54 units: wards, communes and two special zones
const LAI_CHAU = '12'; // 38 units

/** The built admin CLI (npm test builds before the suites) on the test app's database. */
function admin(t: TestApp, args: string[]) {
  return run('node', ['dist/src/cli/admin.js', ...args], { env: { ...process.env, ...t.env } }).then(
    ({ stdout }) => ({ code: 0, out: stdout.trim() }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, out: `${error.stdout}${error.stderr}`.trim() }),
  );
}

describe('official administrative units', () => {
  let t: TestApp;
  const areas = () => t.app.get(DataSource).getRepository(AreaEntity);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('imports a province by CLI with official codes, every ward, commune and special zone a commune under its own name; again adds nothing and renames what changed', async () => {
    const official = OfficialUnits.load().communes.filter((c) => c.provinceCode === QUANG_NINH);
    expect(official).toHaveLength(54);

    const first = await admin(t, ['import-areas', '--province', QUANG_NINH]);
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toContain('provinces: 1 added, 0 renamed, 0 unchanged');
    expect(first.out).toContain('communes: 54 added, 0 renamed, 0 unchanged');

    const province = (await t.http.get('/api/v1/areas?kind=province&limit=500').set(auth(t.adminToken))).body.items.find((a: AreaEntity) => a.code === QUANG_NINH);
    expect(province).toMatchObject({ name: 'Tỉnh Quảng Ninh', kind: 'province', parentId: null });
    const listed = await t.http.get(`/api/v1/areas?parentId=${province.id}&limit=500`).set(auth(t.adminToken));
    expect(listed.body.total).toBe(54);
    expect(new Set(listed.body.items.map((a: AreaEntity) => a.kind))).toEqual(new Set(['commune']));
    const byCode = new Map(listed.body.items.map((a: AreaEntity) => [a.code, a.name]));
    for (const unit of official) expect(byCode.get(unit.code)).toBe(unit.name);
    expect([...byCode.values()]).toEqual(expect.arrayContaining(['Đặc khu Vân Đồn', 'Đặc khu Cô Tô']));
    expect([...byCode.values()].some((name) => String(name).startsWith('Phường '))).toBe(true);
    expect([...byCode.values()].some((name) => String(name).startsWith('Xã '))).toBe(true);

    const renamedUnit = official[0];
    await areas().update({ code: renamedUnit.code }, { name: 'Xã Tên Cũ' });
    const second = await admin(t, ['import-areas', '--province', QUANG_NINH]);
    expect(second.out).toContain('provinces: 0 added, 0 renamed, 1 unchanged');
    expect(second.out).toContain('communes: 0 added, 1 renamed, 53 unchanged');
    expect(await areas().countBy({ code: renamedUnit.code })).toBe(1);
    expect((await areas().findOneByOrFail({ code: renamedUnit.code })).name).toBe(renamedUnit.name);
    expect(await areas().count()).toBe(55);

    const third = await admin(t, ['import-areas', '--province', QUANG_NINH]);
    expect(third.out).toContain('communes: 0 added, 0 renamed, 54 unchanged');

    const audit = await t.http.get('/api/v1/audit?action=area.import&limit=500').set(auth(t.adminToken));
    expect(audit.body.items).toHaveLength(2); // the load and the rename; the run that changed nothing records nothing
    const details = audit.body.items.map((e: { details: Record<string, unknown> }) => e.details);
    expect(details).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: QUANG_NINH, via: 'cli', added: expect.arrayContaining([QUANG_NINH, renamedUnit.code]) }),
      expect.objectContaining({ renamed: [{ code: renamedUnit.code, from: 'Xã Tên Cũ', to: renamedUnit.name }] }),
    ]));
  });

  it('refuses bad CLI arguments with a message', async () => {
    expect(await admin(t, ['import-areas', '--province', '99'])).toEqual({ code: 1, out: expect.stringContaining('no official province has code 99') });
    expect(await admin(t, ['import-areas', '--bogus'])).toEqual({ code: 1, out: expect.stringContaining("Unknown option '--bogus'") });
    expect(await admin(t, ['merge-areas'])).toEqual({ code: 1, out: 'merge-areas needs exactly one of --dry-run, --apply' });
    expect(await admin(t, ['merge-areas', '--dry-run', '--apply'])).toEqual({ code: 1, out: 'merge-areas needs exactly one of --dry-run, --apply' });
  });

  it('imports through the API as a job with progress, for admins only; a code already taken by another kind is left alone and reported', async () => {
    const staff = await createUser(t, 'district_staff', (await createArea(t, t.adminToken, { kind: 'province' })).id);
    expect((await t.http.post('/api/v1/areas/imports').set(auth(staff.token)).send({})).status).toBe(403);
    expect((await t.http.post('/api/v1/areas/imports').send({})).status).toBe(401);
    const badCode = await t.http.post('/api/v1/areas/imports').set(auth(t.adminToken)).send({ province: '7' });
    expect(badCode.status).toBe(400);
    expect(badCode.body.message).toEqual(expect.arrayContaining([expect.stringContaining('province')]));
    expect((await t.http.post('/api/v1/areas/imports').set(auth(t.adminToken)).send({ province: '99' })).body.message).toContain('no official province has code 99');
    expect((await t.http.post('/api/v1/areas/imports').set(auth(t.adminToken)).send({ province: 12 })).status).toBe(400);
    expect((await t.http.post('/api/v1/areas/imports').set(auth(t.adminToken)).send({ province: LAI_CHAU, extra: 1 })).status).toBe(400);
    expect((await t.http.get('/api/v1/areas/imports/00000000-0000-4000-8000-000000000000').set(auth(t.adminToken))).status).toBe(404);
    expect((await t.http.get('/api/v1/areas/imports/not-an-id').set(auth(t.adminToken))).status).toBe(400);

    const laiChau = OfficialUnits.load().communes.filter((c) => c.provinceCode === LAI_CHAU);
    await createArea(t, t.adminToken, { kind: 'province', code: laiChau[0].code, name: 'Hand-made area with an official commune code' });

    const started = await t.http.post('/api/v1/areas/imports').set(auth(t.adminToken)).send({ province: LAI_CHAU });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: expect.any(String), state: 'waiting', province: LAI_CHAU, result: null, error: null });
    expect((await t.http.get(`/api/v1/areas/imports/${started.body.id}`).set(auth(staff.token))).status).toBe(403);

    const done = await waitUntil(
      async () => (await t.http.get(`/api/v1/areas/imports/${started.body.id}`).set(auth(t.adminToken))).body,
      (job) => job.state === 'completed' || job.state === 'failed',
      30_000, 'the import job',
    );
    expect(done).toMatchObject({
      state: 'completed',
      progress: { provincesDone: 1, provincesTotal: 1, communesDone: 38, communesTotal: 38 },
      result: { provinces: { added: 1, renamed: 0, unchanged: 0 }, communes: { added: 37, renamed: 0, unchanged: 0 }, skipped: [{ code: laiChau[0].code, reason: expect.stringContaining('province') }] },
      finishedAt: expect.stringMatching(/Z$/),
    });
    const audit = await t.http.get('/api/v1/audit?action=area.import&limit=500').set(auth(t.adminToken));
    expect(audit.body.items.find((e: { details: { code: string } }) => e.details.code === LAI_CHAU)).toMatchObject({ details: { via: 'api', added: expect.any(Array) } });

    const docs = await t.http.get('/api/docs-json');
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/v1/areas/imports', '/api/v1/areas/imports/{id}']));
  });

  it('moves the speakers of a merged commune to its new commune, keeping their history; a dry run changes nothing', async () => {
    const units = OfficialUnits.load();
    const quangNinh = new Set(units.communes.filter((c) => c.provinceCode === QUANG_NINH).map((c) => c.code));
    const officialCodes = new Set(units.communes.map((c) => c.code));
    const merger = units.mergers.find((m) => m.oldCode && !officialCodes.has(m.oldCode) && quangNinh.has(m.newCode))!;
    expect(merger).toBeDefined();
    const newCommune = await areas().findOneByOrFail({ code: merger.newCode });

    // The installation as it was before 2025: a district with the old commune, under its official old code.
    const oldProvince = await createArea(t, t.adminToken, { kind: 'province', code: 'OLD-QN', name: 'Tỉnh Quảng Ninh (cũ)' });
    const oldDistrict = await createArea(t, t.adminToken, { kind: 'district', parentId: oldProvince.id, name: merger.oldDistrictName });
    const oldCommune = await createArea(t, t.adminToken, { kind: 'commune', parentId: oldDistrict.id, code: merger.oldCode!, name: merger.oldName });
    const speaker = await createSpeaker(t, t.adminToken, oldCommune.id);
    const segment = await createReadySegment(t, { areaId: null });
    const emergency = await t.http.post('/api/v1/broadcasts/emergency').set(auth(t.adminToken)).send({ areaId: oldCommune.id, segmentIds: [segment.id], title: 'Cảnh báo bão' });
    expect(emergency.status).toBe(201);
    await waitUntil(async () => (await t.http.get(`/api/v1/broadcasts/${emergency.body.id}/deliveries`).set(auth(t.adminToken))).body.items ?? [], (items) => items.length === 1, 20_000, 'the delivery');
    const receipt = await t.http.post('/api/v1/device/receipts').set(auth(speaker.deviceToken)).send({ receipts: [{ broadcastId: emergency.body.id, status: 'played', startedAt: new Date().toISOString() }] });
    expect(receipt.body).toEqual({ accepted: 1, duplicates: 0 });

    const dry = await admin(t, ['merge-areas', '--dry-run']);
    expect(dry.out).toContain(`${merger.oldCode} ${merger.oldName} -> ${merger.newCode} ${newCommune.name}: 1 speaker(s)`);
    expect(dry.out).toContain('dry run: 1 commune(s) would move 1 speaker(s); nothing changed');
    expect((await t.http.get(`/api/v1/speakers/${speaker.id}`).set(auth(t.adminToken))).body.communeId).toBe(oldCommune.id);

    expect(await admin(t, ['merge-areas', '--apply'])).toMatchObject({ code: 0, out: expect.stringContaining('moved 1 speaker(s) out of 1 merged commune(s)') });
    expect((await t.http.get(`/api/v1/speakers/${speaker.id}`).set(auth(t.adminToken))).body.communeId).toBe(newCommune.id);
    // History intact: the delivery stays with the old commune's broadcast, and its report still counts it there.
    const deliveries = await t.http.get(`/api/v1/broadcasts/${emergency.body.id}/deliveries`).set(auth(t.adminToken));
    expect(deliveries.body.items).toEqual([expect.objectContaining({ speakerId: speaker.id, status: 'played' })]);
    const report = await t.http.get(`/api/v1/reports/deliveries?areaId=${oldProvince.id}&groupBy=commune`).set(auth(t.adminToken));
    expect(report.body.items).toEqual([expect.objectContaining({ key: oldCommune.id, played: 1 })]);
    const audit = await t.http.get('/api/v1/audit?action=area.merge').set(auth(t.adminToken));
    expect(audit.body.items).toEqual([expect.objectContaining({ resourceId: oldCommune.id, details: expect.objectContaining({ intoCommuneId: newCommune.id, speakerIds: [speaker.id] }) })]);

    // The device keeps its token and now hears its new commune's broadcasts.
    expect((await t.http.get('/api/v1/device/queue').set(auth(speaker.deviceToken))).status).toBe(200);
    expect((await admin(t, ['merge-areas', '--apply'])).out).toContain('moved 0 speaker(s) out of 0 merged commune(s)');
  });
});
