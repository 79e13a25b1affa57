import fc from 'fast-check';

/** A JSON Schema of the OpenAPI document (3.1), as far as the fuzz suite reads one. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

export type Resolve = (ref: string) => Schema;

let knownIds: string[] = [];
/** Ids that exist in the app under test, for uuid fields. */
export const useKnownIds = (ids: string[]): void => void (knownIds = ids);

/** Values no schema asks for: wrong types, odd strings. */
export const junk = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(null, true, 0, -1, 1.5, '', ' ', 'null', '../..', '%00', 'ý tý ₫ 🔊'),
    fc.string({ maxLength: 20 }),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
  );

const instant = (from: number, to: number) =>
  fc.tuple(fc.date({ min: new Date(from), max: new Date(to), noInvalidDate: true }), fc.constantFrom('Z', '+07:00', '-12:00', '+14:00'))
    .map(([date, offset]) => (offset === 'Z' ? date.toISOString() : date.toISOString().replace('Z', offset)));

const deref = (schema: Schema, resolve: Resolve): Schema => (schema.$ref ? deref(resolve(schema.$ref), resolve) : schema);

/** Values a schema of the document allows, biased to its bounds. */
export function validFor(schema: Schema, resolve: Resolve, depth = 0): fc.Arbitrary<unknown> {
  schema = deref(schema, resolve);
  const choices = schema.oneOf ?? schema.anyOf;
  if (choices) return fc.oneof(...choices.map((s) => validFor(s, resolve, depth)));
  if (schema.allOf) return validFor(Object.assign({}, ...schema.allOf.map((s) => deref(s, resolve))), resolve, depth);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'string'];
  return fc.oneof(...types.map((type) => ofType(type, schema, resolve, depth)));
}

function ofType(type: string, schema: Schema, resolve: Resolve, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const min = schema.minimum ?? -1_000_000;
      const max = schema.maximum ?? 1_000_000;
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
    }
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'array':
      return fc.array(schema.items ? validFor(schema.items, resolve, depth + 1) : fc.string(), { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4)) });
    case 'object': {
      if (!schema.properties || depth > 3) return fc.constant({});
      const properties = Object.fromEntries(Object.entries(schema.properties).map(([name, s]) => [name, validFor(s, resolve, depth + 1)]));
      return fc.record(properties, { requiredKeys: (schema.required ?? []).filter((name) => name in properties) });
    }
    default:
      return stringFor(schema);
  }
}

function stringFor(schema: Schema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid':
      // Ids of things that exist, mostly: a random one stops most requests at their first lookup.
      return knownIds.length ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...knownIds) }, { weight: 1, arbitrary: fc.uuid() }) : fc.uuid();
    case 'date-time':
      return instant(Date.UTC(2020, 0, 1), Date.UTC(2030, 0, 1));
    case 'date':
      return instant(Date.UTC(2020, 0, 1), Date.UTC(2030, 0, 1)).map((value) => value.slice(0, 10));
    default:
      return fc.oneof(
        fc.string({ minLength: Math.max(1, schema.minLength ?? 0), maxLength: Math.max(schema.minLength ?? 1, Math.min(schema.maxLength ?? 40, 40)) }),
        fc.constantFrom('0 7 * * *', 'Asia/Ho_Chi_Minh', 'vi', 'social-insurance', 'Xã Y Tý'),
      );
  }
}

/** Values just outside what a schema allows, and junk: what a careless or hostile client sends. */
export function invalidFor(schema: Schema, resolve: Resolve): fc.Arbitrary<unknown> {
  schema = deref(schema, resolve);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const near: unknown[] = [];
  if (types.includes('integer') || types.includes('number')) {
    if (schema.minimum !== undefined) near.push(schema.minimum - 1);
    if (schema.maximum !== undefined) near.push(schema.maximum + 1);
    near.push(2 ** 53, -(2 ** 63), '9223372036854775807', '99999999999999999999999', '1e400', 1.5);
  }
  if (schema.format === 'date-time') near.push('9999-12-31T23:59:59-12:00', '10000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-01-01T07:00');
  if (schema.format === 'date') near.push('0001-01-01', '9999-12-31', '2026-02-30', '2026-1-1');
  if (schema.format === 'uuid') near.push('not-a-uuid', '00000000-0000-0000-0000-000000000000');
  if (schema.maxLength !== undefined) near.push('x'.repeat(schema.maxLength + 1));
  if (schema.enum) near.push('none-of-these');
  if (types.includes('string') && !schema.format) near.push('0 0 30 2 *', '0 25 * * *', 'Mars/Olympus_Mons');
  return near.length ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...near) }, { weight: 1, arbitrary: junk() }) : junk();
}

/**
 * Mostly valid values with at most one field spoiled: a fuzz case is most useful when all but one
 * thing is right, so the request reaches the code behind validation.
 */
export function nearlyValidObject(properties: Record<string, Schema>, required: string[], resolve: Resolve): fc.Arbitrary<Record<string, unknown>> {
  const names = Object.keys(properties);
  const valid = fc.record(Object.fromEntries(names.map((name) => [name, validFor(properties[name], resolve)])), { requiredKeys: required.filter((n) => names.includes(n)) });
  if (!names.length) return valid as fc.Arbitrary<Record<string, unknown>>;
  const spoil = fc.constantFrom(...names).chain((name) => invalidFor(properties[name], resolve).map((value) => ({ name, value })));
  const nearly = fc.tuple(valid, fc.option(spoil, { freq: 2 })).map(([values, spoiled]) => (spoiled ? { ...values, [spoiled.name]: spoiled.value } : values) as Record<string, unknown>);
  // Nothing at all is a classic too (a PATCH with {}).
  return fc.oneof({ weight: 5, arbitrary: nearly }, { weight: 1, arbitrary: fc.constant({}) });
}
