import { validate } from '@readme/openapi-parser';
import { readFileSync } from 'node:fs';
import type { OpenAPIObject, OperationObject, PathItemObject, ResponseObject } from '@nestjs/swagger';
import { currentOpenApiDocument, OPENAPI_FILE, renderSdkTypes, SDK_TYPES_FILE, serialiseDocument } from './openapi-export.js';

const REGENERATE = 'run `npm run openapi` and commit open-api/ (see CONTRIBUTING.md, "Documenting a route")';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const committed = () => JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as OpenAPIObject;

function operations(document: OpenAPIObject): Array<[string, OperationObject]> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => (item as PathItemObject)[method]).map((method): [string, OperationObject] => [`${method.toUpperCase()} ${path}`, (item as PathItemObject)[method]!]),
  );
}

describe('the OpenAPI document', () => {
  let current: OpenAPIObject;
  beforeAll(async () => {
    current = await currentOpenApiDocument();
  });

  it('is what the application builds now (the generated client cannot drift)', () => {
    const fresh = serialiseDocument(current);
    if (fresh !== readFileSync(OPENAPI_FILE, 'utf8')) throw new Error(`open-api/loa-api.json differs from what the controllers and DTOs describe: ${REGENERATE}`);
  });

  it('is what the TypeScript client types were generated from', async () => {
    if ((await renderSdkTypes(committed())) !== readFileSync(SDK_TYPES_FILE, 'utf8')) throw new Error(`open-api/typescript-sdk/src/schema.ts is not generated from open-api/loa-api.json: ${REGENERATE}`);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(OPENAPI_FILE, { validate: { errors: { colorize: false } } });
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(committed().openapi).toBe('3.1.0');
  });

  it('documents a success body and the shared error body for every operation', () => {
    const problems: string[] = [];
    for (const [name, operation] of operations(current)) {
      const responses = Object.entries(operation.responses) as Array<[string, ResponseObject]>;
      const success = responses.filter(([status]) => status.startsWith('2'));
      if (!success.length) problems.push(`${name}: no success response`);
      for (const [status, response] of success) {
        if (status === '204') continue;
        const media = Object.entries(response.content ?? {});
        if (!media.length) problems.push(`${name} ${status}: no body documented (use @ApiOkResponse({ type: SomeDto }), or 204)`);
        for (const [type, { schema }] of media) {
          const described = schema && ('$ref' in schema || (schema.type !== 'object' && schema.type !== undefined) || schema.properties);
          if (!described) problems.push(`${name} ${status} ${type}: the body has no schema (a response DTO class, not object)`);
        }
      }
      for (const [status, response] of responses.filter(([status]) => /^[45]/.test(status))) {
        const schema = response.content?.['application/json']?.schema as { $ref?: string } | undefined;
        // 4xx answer the shared error body; a 5xx such as /health's 503 may say more.
        const expected = status.startsWith('4') ? /ErrorDto$/ : /./;
        if (!schema?.$ref || !expected.test(schema.$ref)) problems.push(`${name} ${status}: errors answer the ErrorDto schema (use @ApiErrors)`);
      }
      if (!responses.some(([status]) => /^4/.test(status)) && operation.security?.length) problems.push(`${name}: no error documented`);
    }
    expect(problems).toEqual([]);
  });
});
