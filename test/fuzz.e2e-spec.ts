import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { startTestApp, type TestApp } from './helpers/app.js';
import { contractProblem } from './helpers/contract.js';
import { areaTree, createSpeaker } from './helpers/fixtures.js';
import { nearlyValidObject, useKnownIds, validFor, type Schema } from './helpers/schema-arbitrary.js';

/**
 * Bounded property-based fuzzing of every documented operation (issue #12): FUZZ_RUNS generated
 * requests each (default 20), from the document's own schemas with junk mixed in, under every kind
 * of caller. Each answer must come (no dropped connection), be no server error, and match the
 * document. Reproducible: LOA_FUZZ_SEED (printed on failure) replays the same requests.
 */
const SEED = Number(process.env.LOA_FUZZ_SEED ?? 20261204);
const RUNS = Number(process.env.LOA_FUZZ_RUNS ?? 20);

interface Parameter { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema: Schema }
interface Operation { operationId: string; parameters?: Parameter[]; requestBody?: { content: Record<string, { schema?: Schema }> } }

const document = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'open-api', 'loa-api.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};
const resolve = (ref: string) => document.components.schemas[ref.replace('#/components/schemas/', '')];

/** Operations that start work too heavy for a fuzz case; their own suites cover them. */
const SKIPPED: Record<string, string> = {
  'POST /api/v1/areas/imports': 'loads the whole country (test/areas-import.e2e-spec.ts)',
};

const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation, name: `${method.toUpperCase()} ${path}` })),
).filter(({ name }) => !SKIPPED[name]);

interface FuzzRequest { caller: string; path: string; query: Record<string, unknown>; body?: { type: string; text: string } }

describe(`fuzzing every operation (seed ${SEED}, ${RUNS} cases each)`, () => {
  let t: TestApp;
  const tokens: Record<string, string | undefined> = {};
  /** Ids of what exists, by the resource a path names (areas, speakers, users). */
  const ids: Record<string, string[]> = {};
  beforeAll(async () => {
    // The api role alone: no transcode or dispatch work piles up behind the generated requests.
    t = await startTestApp({ LOA_ROLES: 'api' });
    const tree = await areaTree(t);
    const speaker = await createSpeaker(t, tree.staffA.token, tree.communeA.id);
    Object.assign(tokens, { admin: t.adminToken, staff: tree.staffA.token, operator: tree.operatorA.token, auditor: tree.auditor.token, device: speaker.deviceToken, none: undefined, bogus: 'not-a-token' });
    Object.assign(ids, { areas: [tree.province.id, tree.districtA.id, tree.communeA.id, tree.communeB.id], users: [tree.staffA.id, tree.auditor.id], speakers: [speaker.id] });
    useKnownIds(Object.values(ids).flat());
  });
  afterAll(() => t.close());

  function requests(path: string, operation: Operation): fc.Arbitrary<FuzzRequest> {
    const parameters = operation.parameters ?? [];
    const pathParams = parameters.filter((p) => p.in === 'path');
    const known = ids[path.split('/')[3]] ?? Object.values(ids).flat();
    const idArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent) });
    const pathArb = fc.tuple(...pathParams.map(() => idArb)).map((values) => pathParams.reduce((p, param, i) => p.replace(`{${param.name}}`, values[i]), path));
    const query = parameters.filter((p) => p.in === 'query');
    const queryArb = nearlyValidObject(Object.fromEntries(query.map((p) => [p.name, p.schema])), query.filter((p) => p.required).map((p) => p.name), resolve);
    const media = Object.entries(operation.requestBody?.content ?? {});
    const jsonBody = (schema: Schema): fc.Arbitrary<unknown> => {
      const target = schema.$ref ? resolve(schema.$ref) : schema;
      return target.properties ? nearlyValidObject(target.properties, target.required ?? [], resolve) : validFor(target, resolve);
    };
    const bodyArb: fc.Arbitrary<FuzzRequest['body']> = media.length
      ? fc.oneof(
          ...media.map(([type, { schema }]) =>
            type === 'application/json' && schema
              ? fc.oneof({ weight: 9, arbitrary: jsonBody(schema).map((value) => ({ type, text: JSON.stringify(value) ?? 'null' })) }, { weight: 1, arbitrary: fc.string().map((text) => ({ type, text })) })
              : fc.string({ maxLength: 200 }).map((text) => ({ type, text })),
          ),
        )
      : fc.constant(undefined);
    // Mostly callers who may do something, so requests reach past the auth guard.
    const callerArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('admin', 'staff') }, { weight: 2, arbitrary: fc.constantFrom('operator', 'auditor', 'device') }, { weight: 1, arbitrary: fc.constantFrom('none', 'bogus') });
    return fc.record({ caller: callerArb, path: pathArb, query: queryArb, body: bodyArb });
  }

  async function send(method: string, request: FuzzRequest): Promise<string | null> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query)) if (value !== undefined) search.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    const url = `${request.path}${search.size ? `?${search}` : ''}`;
    const token = tokens[request.caller];
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(request.body ? { 'content-type': request.body.type } : {}) };
    const abort = new AbortController();
    let res: Response;
    try {
      res = await fetch(`${t.url}${url}`, { method, headers, body: request.body?.text, signal: abort.signal });
    } catch (error) {
      return `${method} ${url}: the connection dropped (${String((error as { cause?: { code?: string } }).cause?.code ?? error)})`;
    }
    const contentType = res.headers.get('content-type') ?? undefined;
    // A stream (text/event-stream) never ends by itself: its headers are the answer.
    if (contentType?.startsWith('text/event-stream')) abort.abort();
    const text = contentType?.startsWith('text/event-stream') ? '' : await res.text();
    const body = /json/.test(contentType ?? '') && text ? JSON.parse(text) : text || undefined;
    if (process.env.LOA_FUZZ_STATS) console.log(`${method} ${url} ${request.caller} ${request.body?.text.slice(0, 120) ?? ""} -> ${res.status}`);
    const problem = contractProblem({ method, url, status: res.status, contentType, body });
    return problem && `${problem} (caller ${request.caller}${request.body ? `, body ${request.body.text.slice(0, 300)}` : ''})`;
  }

  it.each(operations)('$name', async ({ method, path, operation }) => {
    await fc.assert(
      fc.asyncProperty(requests(path, operation), async (request) => {
        const problem = await send(method, request);
        if (problem) throw new Error(problem);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });

  it('keeps answering after the fuzzing', async () => {
    await t.http.get('/api/v1/auth/me').set({ authorization: `Bearer ${t.adminToken}` }).expect(200);
    expect(randomUUID()).toBeTruthy();
  });
});
