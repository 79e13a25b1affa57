import { startTestApp, type TestApp } from './helpers/app.js';
import { contractProblem } from './helpers/contract.js';
import { fetchElsewhere, type RemoteAnswer, type RemoteRequest } from './helpers/fetch-elsewhere.js';
import { areaTree } from './helpers/fixtures.js';

/**
 * A refused request (401, 403, 413, 415) delivers its answer to every client, here Node's fetch
 * (undici) in a process of its own, also while it is still sending a body the server will not use.
 */
describe('refused requests are answered, not dropped', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  beforeAll(async () => {
    t = await startTestApp({ LOA_MAX_UPLOAD_MB: '20' });
    tree = await areaTree(t);
  });
  afterAll(() => t.close());

  const MiB = 1024 * 1024;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /** Sends each request `times` times from another process; every answer must be `status`, as documented. */
  async function expectAnswered(request: RemoteRequest, status: number, times = 2): Promise<void> {
    const path = request.url;
    const answers = await fetchElsewhere(Array.from({ length: times }, () => ({ ...request, url: `${t.url}${path}` })));
    const seen = answers.map((answer: RemoteAnswer) => ('error' in answer ? `dropped (${answer.error})` : answer.status));
    expect(seen).toEqual(Array(times).fill(status));
    for (const answer of answers) {
      if ('error' in answer) continue;
      const problem = contractProblem({ method: request.method, url: path, status: answer.status, contentType: answer.contentType ?? undefined, body: JSON.parse(answer.text) });
      if (problem) throw new Error(`contract: ${problem}`);
    }
  }

  it.each(['/api/v1/areas', '/api/v1/speakers', '/api/v1/schedules', '/api/v1/broadcasts/emergency'])('answers 413 to a JSON body over the 1 MB limit on %s', async (path) => {
    await expectAnswered({ method: 'POST', url: path, headers: bearer(t.adminToken), jsonBytes: 16 * MiB }, 413);
  });

  it('answers 415 to a large body of a media type the route does not read', async () => {
    await expectAnswered({ method: 'POST', url: '/api/v1/areas', headers: { ...bearer(t.adminToken), 'content-type': 'application/xml' }, jsonBytes: 8 * MiB }, 415);
  });

  it('answers 401 to an upload without a valid token while the client is still writing the file', async () => {
    // 100 MiB: past the drain bound, so the connection is cut after the answer.
    await expectAnswered({ method: 'POST', url: '/api/v1/segments', uploadMiB: 100 }, 401, 1);
    await expectAnswered({ method: 'POST', url: '/api/v1/segments', headers: bearer('not-a-token'), uploadMiB: 20 }, 401, 1);
  });

  it('answers 403 to an upload by a role that may not upload while the client is still writing the file', async () => {
    await expectAnswered({ method: 'POST', url: '/api/v1/segments', headers: bearer(tree.auditor.token), uploadMiB: 40 }, 403, 1);
  });

  it('answers 413 to an upload over LOA_MAX_UPLOAD_MB', async () => {
    await expectAnswered({ method: 'POST', url: '/api/v1/segments', headers: bearer(tree.staffA.token), uploadMiB: 30 }, 413, 1);
  });

  it('keeps serving after refusing', async () => {
    await t.http.get('/api/v1/auth/me').set(bearer(t.adminToken)).expect(200);
  });
});
