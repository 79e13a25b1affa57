import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';

/**
 * The API contract (open-api/loa-api.json) applied to answers seen in tests: every answer of a
 * documented path must be a documented status of its operation, with a documented media type and
 * a body valid against the document's schema for it.
 */
const DOCUMENT_FILE = join(import.meta.dirname, '..', '..', 'open-api', 'loa-api.json');
const DOCUMENT_ID = 'loa-api.json';

interface MediaObject { schema?: object }
interface ResponseObject { content?: Record<string, MediaObject> }
interface Operation { operationId: string; responses: Record<string, ResponseObject> }
interface Route { template: string; pattern: RegExp; literalSegments: number; operations: Record<string, Operation> }

const document = JSON.parse(readFileSync(DOCUMENT_FILE, 'utf8')) as { paths: Record<string, Record<string, Operation>> };
// strict off: OpenAPI adds keywords JSON Schema does not know (example); binary is OpenAPI's format for files.
const ajv = addFormats.default(new Ajv2020({ strict: false, allErrors: true }));
ajv.addFormat('binary', true);
ajv.addSchema(document, DOCUMENT_ID);

const routes: Route[] = Object.entries(document.paths)
  .map(([template, operations]) => {
    const segments = template.split('/');
    const pattern = new RegExp(`^${segments.map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/')}$`);
    return { template, pattern, literalSegments: segments.filter((s) => !s.startsWith('{')).length, operations };
  })
  // /segments/speech before /segments/{id}: the most literal template wins.
  .sort((a, b) => b.literalSegments - a.literalSegments);

const validators = new Map<string, ValidateFunction>();
function validatorFor(pointer: string): ValidateFunction {
  let validate = validators.get(pointer);
  if (!validate) {
    validate = ajv.getSchema(`${DOCUMENT_ID}#${pointer}`);
    if (!validate) throw new Error(`contract: no schema at ${pointer}`);
    validators.set(pointer, validate);
  }
  return validate;
}

const pointerEscape = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');

/** Paths the contract covers: the API and the operations probes (not the console, /api/docs or the queue dashboard). */
export const isContractPath = (path: string) => path.startsWith('/api/v1/') || path === '/health' || path === '/metrics';

export interface Answer {
  method: string;
  /** Path and query as requested. */
  url: string;
  status: number;
  contentType: string | undefined;
  /** The parsed JSON body, or the text; undefined when there was none. */
  body: unknown;
}

/** What is wrong with an answer by the document, or null when it is as documented. */
export function contractProblem(answer: Answer): string | null {
  const path = new URL(answer.url, 'http://x').pathname;
  if (!isContractPath(path)) return null;
  const method = answer.method.toLowerCase();
  const name = `${answer.method.toUpperCase()} ${path} answered ${answer.status}`;
  if (answer.status >= 500 && !(path === '/health' && answer.status === 503)) return `${name}: a server error (${describeBody(answer.body)})`;
  if (method === 'head' || method === 'options') return null;
  const route = routes.find((r) => r.pattern.test(path) && r.operations[method]);
  if (!route) {
    // No such operation: the router's 404, in the shared error body.
    if (answer.status === 404) return bodyProblem(name, '/components/schemas/ErrorDto', answer.body);
    return `${name}, but no operation ${answer.method.toUpperCase()} ${path} is documented in open-api/loa-api.json`;
  }
  const operation = route.operations[method];
  const status = String(answer.status);
  const documented = operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default;
  if (!documented) return `${name}: status ${status} is not documented for ${operation.operationId} (documented: ${Object.keys(operation.responses).join(', ')})`;
  const media = Object.keys(documented.content ?? {});
  const hasBody = answer.body !== undefined && answer.body !== '' && !(Buffer.isBuffer(answer.body) && !answer.body.length);
  if (!media.length) return hasBody && answer.status !== 304 ? `${name}: a body where ${operation.operationId} ${status} documents none` : null;
  const type = (answer.contentType ?? '').split(';')[0].trim().toLowerCase();
  const mediaType = media.find((m) => m === type);
  if (!mediaType) return `${name}: content-type ${answer.contentType ?? '(none)'} where ${operation.operationId} ${status} documents ${media.join(', ')}`;
  if (mediaType !== 'application/json') return null;
  const pointer = ['/paths', pointerEscape(route.template), method, 'responses', status in operation.responses ? status : `${status[0]}XX`, 'content', pointerEscape(mediaType), 'schema'].join('/');
  return bodyProblem(`${name} (${operation.operationId})`, pointer, answer.body);
}

function bodyProblem(name: string, pointer: string, body: unknown): string | null {
  const validate = validatorFor(pointer);
  if (validate(body)) return null;
  const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params && 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`);
  return `${name}: the body does not match the document: ${errors.join('; ')}; body: ${describeBody(body)}`;
}

const describeBody = (body: unknown) => {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? `<${body.length} bytes>` : JSON.stringify(body);
  return text === undefined ? '(none)' : text.length > 400 ? `${text.slice(0, 400)}...` : text;
};

function assertContract(method: string, url: string, res: Response): void {
  const json = /json/.test(res.headers['content-type'] ?? '');
  let body: unknown = json ? res.body : res.text !== undefined ? res.text : res.body;
  // A suite's own parser (.buffer().parse()) leaves JSON as bytes.
  if (json && Buffer.isBuffer(body)) body = body.length ? JSON.parse(body.toString('utf8')) : undefined;
  else if (json && res.text === '') body = undefined;
  const problem = contractProblem({ method, url, status: res.status, contentType: res.headers['content-type'], body });
  if (problem) throw new Error(`contract: ${problem}`);
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

/** A supertest agent whose every answer is checked against the document (a failing check fails the request's promise). */
export function contractChecked(agent: TestAgent): TestAgent {
  const checked = { ...agent } as TestAgent;
  for (const method of METHODS) {
    const send = agent[method].bind(agent);
    checked[method] = ((url: string) => send(url).expect((res: Response) => assertContract(method, url, res))) as TestAgent[typeof method];
  }
  checked.del = checked.delete;
  return checked;
}
