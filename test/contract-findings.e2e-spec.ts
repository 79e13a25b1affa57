import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from './helpers/app.js';
import { areaTree, auth, createSpeaker } from './helpers/fixtures.js';

/** Regression tests for the outside fuzzer's findings (issue #12): each answered 500 or an untrue message before. */
describe('fuzzer findings', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let speaker: Awaited<ReturnType<typeof createSpeaker>>;
  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
    speaker = await createSpeaker(t, tree.staffA.token, tree.communeA.id);
  });
  afterAll(() => t.close());

  describe('PATCH /speakers/:id with nothing to change', () => {
    it('answers the speaker unchanged for {} and for no body at all', async () => {
      const empty = await t.http.patch(`/api/v1/speakers/${speaker.id}`).set(auth(tree.staffA.token)).send({}).expect(200);
      expect(empty.body).toMatchObject({ id: speaker.id, name: speaker.name, communeId: tree.communeA.id });
      const none = await t.http.patch(`/api/v1/speakers/${speaker.id}`).set(auth(tree.staffA.token)).expect(200);
      expect(none.body).toMatchObject({ id: speaker.id, name: speaker.name });
    });
  });

  describe('an offset past what a database can count', () => {
    const lists = ['/api/v1/areas', '/api/v1/users', '/api/v1/speakers', '/api/v1/segments', '/api/v1/schedules', '/api/v1/broadcasts', '/api/v1/audit', `/api/v1/broadcasts/${randomUUID()}/deliveries`];
    it.each(lists)('answers 400 naming offset on %s', async (path) => {
      for (const offset of ['9223372036854775807', '99999999999999999999999']) {
        const res = await t.http.get(path).query({ offset }).set(auth(t.adminToken)).expect(400);
        expect(JSON.stringify(res.body.message)).toMatch(/offset/);
      }
    });

    it('still pages past the end with an empty page', async () => {
      const res = await t.http.get('/api/v1/areas').query({ offset: 1_000_000 }).set(auth(t.adminToken)).expect(200);
      expect(res.body.items).toEqual([]);
    });
  });

  describe('dates outside 1970..9998', () => {
    const farFuture = '9999-12-31T23:00:00-12:00'; // year 10000 in UTC: out as +010000-..., not RFC 3339
    it('refuses them in queries, bodies and receipts with a 400 naming the field', async () => {
      const broadcasts = await t.http.get('/api/v1/broadcasts').query({ from: farFuture }).set(auth(t.adminToken)).expect(400);
      expect(JSON.stringify(broadcasts.body.message)).toMatch(/from/);
      const audit = await t.http.get('/api/v1/audit').query({ to: '1969-12-31T23:59:59Z' }).set(auth(t.adminToken)).expect(400);
      expect(JSON.stringify(audit.body.message)).toMatch(/to must be between/);
      const occurrences = await t.http.get(`/api/v1/schedules/${randomUUID()}/occurrences`).query({ from: '9999-06-01T00:00:00Z' }).set(auth(t.adminToken)).expect(400);
      expect(JSON.stringify(occurrences.body.message)).toMatch(/from/);
      const schedule = await t.http.post('/api/v1/schedules').set(auth(tree.operatorA.token))
        .send({ communeId: tree.communeA.id, title: 'far', segmentIds: [randomUUID()], at: farFuture }).expect(400);
      expect(JSON.stringify(schedule.body.message)).toMatch(/at must be between/);
      const dates = await t.http.post('/api/v1/schedules').set(auth(tree.operatorA.token))
        .send({ communeId: tree.communeA.id, title: 'far', segmentIds: [randomUUID()], cron: '0 7 * * *', startDate: '0001-01-01' }).expect(400);
      expect(JSON.stringify(dates.body.message)).toMatch(/startDate/);
      const receipts = await t.http.post('/api/v1/device/receipts').set(auth(speaker.deviceToken))
        .send({ receipts: [{ broadcastId: randomUUID(), status: 'played', startedAt: farFuture }] }).expect(400);
      expect(JSON.stringify(receipts.body.message)).toMatch(/receipts\.0\.startedAt/);
    });
  });

  describe('a cron expression that never occurs', () => {
    it('says so, naming cron, instead of calling it invalid', async () => {
      for (const cron of ['0 0 30 2 *', '0 6 31 4,6,9,11 *']) {
        const res = await t.http.post('/api/v1/schedules').set(auth(tree.operatorA.token))
          .send({ communeId: tree.communeA.id, title: 'never', segmentIds: [randomUUID()], cron }).expect(400);
        expect(res.body.message).toMatch(new RegExp(`^cron: .*never occurs`));
      }
      const invalid = await t.http.post('/api/v1/schedules').set(auth(tree.operatorA.token))
        .send({ communeId: tree.communeA.id, title: 'bad', segmentIds: [randomUUID()], cron: '0 25 * * *' }).expect(400);
      expect(invalid.body.message).toMatch(/not a valid cron expression/);
    });
  });
});
