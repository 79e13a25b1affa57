import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject, type OperationObject, type PathItemObject, type RequestBodyObject } from '@nestjs/swagger';
import { ERROR_DESCRIPTIONS } from './api-errors.js';
import { namedBodySchemas } from './api-schema-body.js';
import { DuplicateErrorDto, ErrorDto, ScheduleConflictErrorDto, UnknownBroadcastsErrorDto } from './error.dto.js';

/** OpenAPI 3.1: its schemas are JSON Schema 2020-12, so one validator (ajv) reads them as they are. */
export const OPENAPI_VERSION = '3.1.0';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Receivers authenticate with their speaker's device token, not a user's JWT (`bearer`). */
export const DEVICE_TOKEN_SCHEME = 'device';

/** The API's OpenAPI document, as served at /api/docs-json and committed as open-api/loa-api.json. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion(OPENAPI_VERSION)
    .setTitle('Loa API')
    .setDescription('Grassroots loudspeaker broadcast scheduler. Errors answer `{statusCode, error, message}` (ErrorDto).')
    .setVersion('1')
    .addBearerAuth()
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: "a speaker's device token (shown once when it is registered or rotated)" }, DEVICE_TOKEN_SCHEME)
    .build();
  // Given as the config's components, they go through Nest's conversion to 3.1 (`nullable` to a type list) like the rest.
  config.components = { ...config.components, schemas: { ...config.components?.schemas, ...namedBodySchemas() } };
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorDto, DuplicateErrorDto, ScheduleConflictErrorDto, UnknownBroadcastsErrorDto],
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  for (const item of Object.values(document.paths) as PathItemObject[]) {
    for (const method of METHODS) if (item[method]) addGlobalErrors(item[method]);
  }
  return document;
}

/**
 * Errors that every route of a kind can answer, whatever its controller says: the global
 * validation pipe (400 for any route with parameters or a body), the auth guard (401 behind a
 * token; 403 behind a user token: a role refused, an alert_source machine account anywhere but alerts, or
 * LOA_REQUIRE_TOTP and no second factor yet) and the body parser (413 over the limit, 415 for a media type the route does not read).
 */
function addGlobalErrors(operation: OperationObject): void {
  const body = operation.requestBody as RequestBodyObject | undefined;
  if (operation.parameters?.length || body) addError(operation, 400);
  if (operation.security?.length) addError(operation, 401);
  // Device tokens meet no role or second-factor rule; behind a user token the guard may refuse (403).
  if (operation.security?.some((requirement) => 'bearer' in requirement)) addError(operation, 403);
  if (body) {
    addError(operation, 413);
    addError(operation, 415);
  }
}

function addError(operation: OperationObject, status: number): void {
  operation.responses[status] ??= {
    description: ERROR_DESCRIPTIONS[status],
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorDto' } } },
  };
}
