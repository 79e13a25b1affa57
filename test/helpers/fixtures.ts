import type { TestApp } from './app.js';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

export { auth };

/** The password createUser gives every user: long and uncommon enough for the password policy. */
export const USER_PASSWORD = 'nui-rung-may-trang';

/** Through `t.http`: the test app, or any other server's supertest agent (nginx in front of a cluster). */
export async function createArea(t: Pick<TestApp, 'http'>, token: string, body: { name?: string; kind: string; parentId?: string; maxBroadcastMinutes?: number; code?: string }) {
  const res = await t.http.post('/api/v1/areas').set(auth(token)).send({ name: body.name ?? unique(body.kind), code: body.code ?? unique(body.kind.toUpperCase()), ...body });
  if (res.status !== 201) throw new Error(`createArea: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; code: string; kind: string; parentId: string | null; maxBroadcastMinutes: number | null };
}

export async function createUser(t: TestApp, role: string, areaId?: string) {
  const username = unique(role.replace('_', '-'));
  const password = USER_PASSWORD;
  const res = await t.http.post('/api/v1/users').set(auth(t.adminToken)).send({ username, password, role, areaId });
  if (res.status !== 201) throw new Error(`createUser: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...(res.body as { id: string; username: string; role: string; areaId: string | null }), token: await t.login(username, password) };
}

export async function createSpeaker(t: Pick<TestApp, 'http'>, token: string, communeId: string, name = unique('speaker')) {
  const res = await t.http.post('/api/v1/speakers').set(auth(token)).send({ name, communeId });
  if (res.status !== 201) throw new Error(`createSpeaker: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; communeId: string; deviceToken: string };
}

/**
 * A province with two districts, each with a commune, and one user per role:
 * staff and operator of district/commune A, an auditor of the province, and staff of district B.
 */
export async function areaTree(t: TestApp) {
  const province = await createArea(t, t.adminToken, { kind: 'province', name: 'Tỉnh Lào Cai' });
  const districtA = await createArea(t, t.adminToken, { kind: 'district', parentId: province.id, name: 'Huyện Bát Xát' });
  const districtB = await createArea(t, t.adminToken, { kind: 'district', parentId: province.id, name: 'Huyện Sa Pa' });
  const communeA = await createArea(t, t.adminToken, { kind: 'commune', parentId: districtA.id, name: 'Xã Y Tý' });
  const communeB = await createArea(t, t.adminToken, { kind: 'commune', parentId: districtB.id, name: 'Xã Tả Van' });
  const staffA = await createUser(t, 'district_staff', districtA.id);
  const staffB = await createUser(t, 'district_staff', districtB.id);
  const operatorA = await createUser(t, 'commune_operator', communeA.id);
  const auditor = await createUser(t, 'auditor', province.id);
  return { province, districtA, districtB, communeA, communeB, staffA, staffB, operatorA, auditor };
}
