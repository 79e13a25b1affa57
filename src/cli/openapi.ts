import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { currentOpenApiDocument, OPENAPI_FILE, renderSdkTypes, SDK_TYPES_FILE, serialiseDocument } from '../openapi/openapi-export.js';

/** `npm run openapi`: writes open-api/loa-api.json and the TypeScript client's types from the controllers and DTOs. */
const document = await currentOpenApiDocument();
await writeFile(OPENAPI_FILE, serialiseDocument(document));
await mkdir(dirname(SDK_TYPES_FILE), { recursive: true });
await writeFile(SDK_TYPES_FILE, await renderSdkTypes(document));
console.log(`wrote ${OPENAPI_FILE} and ${SDK_TYPES_FILE}`);
