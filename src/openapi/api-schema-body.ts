import { ApiBody, type SchemaObject } from '@nestjs/swagger';

const bodySchemas = new Map<string, SchemaObject>();

/**
 * A JSON body validated by an ajv schema (JsonSchemaPipe), named in the document's components as
 * `name`, so that clients get a type of that name from the generated schema (`Schemas['ReceiptBatch']`)
 * rather than an anonymous one inside the operation.
 */
export function ApiSchemaBody(name: string, schema: object): MethodDecorator {
  const copy = structuredClone(schema) as SchemaObject;
  const known = bodySchemas.get(name);
  if (known && JSON.stringify(known) !== JSON.stringify(copy)) throw new Error(`two different request bodies are both named ${name} in the OpenAPI document`);
  bodySchemas.set(name, copy);
  return ApiBody({ schema: { $ref: `#/components/schemas/${name}` } });
}

/** Every body schema named by ApiSchemaBody, for the document's components. */
export function namedBodySchemas(): Record<string, SchemaObject> {
  return Object.fromEntries(bodySchemas);
}
