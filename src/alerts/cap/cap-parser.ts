import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ALERT, CAP_DATE_TIME, CAP_NAMESPACE, type CapMsgType, type CapSeverity, type CapStatus, type CapUrgency, type ElementSpec } from './cap-schema.js';

/** A message that is not valid CAP 1.2; `element` is its path, e.g. `alert/info[1]/urgency`. */
export class CapError extends Error {
  constructor(
    readonly element: string,
    problem: string,
  ) {
    super(`${element}: ${problem}`);
  }
}

export interface CapReference {
  sender: string;
  identifier: string;
  sent: string;
}

export interface CapResource {
  resourceDesc: string;
  mimeType: string;
  size?: number;
  uri?: string;
  derefUri?: string;
  digest?: string;
}

export interface CapArea {
  areaDesc: string;
  geocodes: Array<{ valueName: string; value: string }>;
}

export interface CapInfo {
  /** Its path in the message, for errors: `alert/info[2]`. */
  path: string;
  /** CAP's default when absent is en-US. */
  language: string;
  categories: string[];
  event: string;
  urgency: CapUrgency;
  severity: CapSeverity;
  certainty: string;
  onset?: Date;
  expires?: Date;
  headline?: string;
  description?: string;
  instruction?: string;
  resources: CapResource[];
  areas: CapArea[];
}

export interface CapAlert {
  identifier: string;
  sender: string;
  sent: Date;
  status: CapStatus;
  msgType: CapMsgType;
  scope: string;
  references: CapReference[];
  infos: CapInfo[];
}

/** An element as parsed: its text, or its children in document order. */
interface Node {
  name: string;
  path: string;
  text: string;
  children: Node[];
}

const parser = new XMLParser({
  preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false,
  trimValues: true, processEntities: true, htmlEntities: false, ignoreDeclaration: true, ignorePiTags: true, commentPropName: false,
});

/**
 * Parses and checks a CAP 1.2 message: well-formed XML, no DOCTYPE (so no entity expansion and no
 * external entities: CAP needs neither), the CAP 1.2 namespace, every element where the schema puts it,
 * required elements present, values from their value sets, CAP date-times. Throws CapError.
 */
export function parseCap(xml: string): CapAlert {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new CapError('alert', 'a DOCTYPE or entity declaration is not allowed (CAP needs none; refused to keep XML bombs and external entities out)');
  const markup = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g, '');
  const entity = /&(?!(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);)[^\s;]{0,20};?/.exec(markup);
  if (entity) throw new CapError('alert', `not well-formed XML: "${entity[0]}" is not one of XML's own entities (&lt; &gt; &amp; &quot; &apos;) or a character reference`);
  const wellFormed = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (wellFormed !== true) throw new CapError('alert', `not well-formed XML: ${wellFormed.err.msg} (line ${wellFormed.err.line}, column ${wellFormed.err.col})`);
  const root = toRoot(parser.parse(xml) as RawNode[]);
  check(root, ALERT);
  return toAlert(root);
}

type RawNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function toRoot(raw: RawNode[]): Node {
  const elements = raw.filter((n) => !('#text' in n));
  if (elements.length !== 1) throw new CapError('alert', 'the message must hold exactly one root element');
  const [element] = elements;
  const qualified = Object.keys(element).find((k) => k !== ':@')!;
  const [prefix, local] = qualified.includes(':') ? qualified.split(':') : ['', qualified];
  const attributes = element[':@'] ?? {};
  const namespace = attributes[prefix ? `xmlns:${prefix}` : 'xmlns'];
  if (local !== 'alert') throw new CapError(qualified, 'the root element must be a CAP <alert>');
  if (namespace !== CAP_NAMESPACE) throw new CapError('alert', `namespace must be ${CAP_NAMESPACE} (CAP 1.2), got ${namespace ? `"${namespace}"` : 'none'}`);
  return toNode(element, qualified, 'alert', prefix, 'alert');
}

/** `name` is the element's name with the CAP prefix taken off; other namespaces' elements keep theirs. */
function toNode(raw: RawNode, key: string, name: string, prefix: string, path: string): Node {
  const content = (raw[key] as RawNode[]) ?? [];
  const text = content.filter((c) => '#text' in c).map((c) => String(c['#text'])).join('');
  const counts = new Map<string, number>();
  const children = content
    .filter((c) => !('#text' in c))
    .map((c) => {
      const childKey = Object.keys(c).find((k) => k !== ':@')!;
      const name = prefix && childKey.startsWith(`${prefix}:`) ? childKey.slice(prefix.length + 1) : childKey;
      const n = (counts.get(name) ?? 0) + 1;
      counts.set(name, n);
      return toNode(c, childKey, name, prefix, `${path}/${name}${REPEATED.has(name) ? `[${n}]` : ''}`);
    });
  return { name, path, text, children };
}

/** Elements that may occur more than once are indexed in paths, even the first: alert/info[1]/area[2]. */
const REPEATED = new Set(['info', 'resource', 'area', 'geocode', 'parameter', 'eventCode', 'category', 'responseType', 'code', 'polygon', 'circle']);

function check(node: Node, spec: ElementSpec): void {
  if (spec.kind !== 'complex') return checkValue(node, spec);
  if (node.text) throw new CapError(node.path, `holds text, but CAP 1.2 puts only elements in <${spec.name}>`);
  const specs = spec.children!;
  let position = 0;
  const seen = new Map<string, number>();
  for (const child of node.children) {
    // Other namespaces' elements (an XML signature after the CAP content) are not CAP's to check.
    if (child.name.includes(':')) continue;
    const index = specs.findIndex((s) => s.name === child.name);
    if (index < 0) throw new CapError(child.path, `<${child.name}> is not a CAP 1.2 element inside <${spec.name}>`);
    if (index < position) throw new CapError(child.path, `<${child.name}> is out of order: CAP 1.2 puts it before <${specs[position].name}>`);
    position = index;
    const count = (seen.get(child.name) ?? 0) + 1;
    seen.set(child.name, count);
    if (count > specs[index].max) throw new CapError(child.path, `<${child.name}> may occur only once in <${spec.name}>`);
    check(child, specs[index]);
  }
  for (const s of specs) {
    if ((seen.get(s.name) ?? 0) < s.min) throw new CapError(`${node.path}/${s.name}`, `required by CAP 1.2 and missing`);
  }
}

function checkValue(node: Node, spec: ElementSpec): void {
  if (node.children.length) throw new CapError(node.path, `holds elements, but CAP 1.2 puts only a value in <${spec.name}>`);
  const value = node.text;
  if (!value) throw new CapError(node.path, 'is empty');
  if (spec.kind === 'enum' && !spec.values!.includes(value)) throw new CapError(node.path, `"${value}" is not one of ${spec.values!.join(', ')}`);
  if (spec.kind === 'dateTime' && !(CAP_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)))) {
    throw new CapError(node.path, `"${value}" is not a CAP date-time such as 2025-09-10T16:00:00+07:00 (a time zone is required: an offset, or Z for UTC)`);
  }
  if (spec.kind === 'integer' && !/^\d+$/.test(value)) throw new CapError(node.path, `"${value}" is not a whole number`);
  if (spec.kind === 'decimal' && !/^-?\d+(\.\d+)?$/.test(value)) throw new CapError(node.path, `"${value}" is not a number`);
}

const child = (node: Node, name: string) => node.children.find((c) => c.name === name);
const value = (node: Node, name: string) => child(node, name)?.text;
const all = (node: Node, name: string) => node.children.filter((c) => c.name === name);
const date = (node: Node, name: string) => {
  const v = value(node, name);
  return v ? new Date(v) : undefined;
};

function toAlert(root: Node): CapAlert {
  for (const name of ['identifier', 'sender']) {
    if (/[\s,<&]/.test(value(root, name)!)) throw new CapError(`alert/${name}`, 'must not contain spaces, commas, < or & (CAP 1.2)');
  }
  if (value(root, 'scope') === 'Private' && !child(root, 'addresses')) throw new CapError('alert/addresses', 'required by CAP 1.2 when scope is Private');
  return {
    identifier: value(root, 'identifier')!,
    sender: value(root, 'sender')!,
    sent: date(root, 'sent')!,
    status: value(root, 'status') as CapStatus,
    msgType: value(root, 'msgType') as CapMsgType,
    scope: value(root, 'scope')!,
    references: parseReferences(value(root, 'references')),
    infos: all(root, 'info').map(toInfo),
  };
}

/** `sender,identifier,sent` triples separated by white space (CAP 1.2 §3.2.1). */
function parseReferences(text: string | undefined): CapReference[] {
  if (!text) return [];
  return text.split(/\s+/).map((entry) => {
    const parts = entry.split(',');
    if (parts.length !== 3 || parts.some((p) => !p)) throw new CapError('alert/references', `"${entry}" is not sender,identifier,sent`);
    return { sender: parts[0], identifier: parts[1], sent: parts[2] };
  });
}

function toInfo(info: Node): CapInfo {
  return {
    path: info.path,
    language: value(info, 'language') ?? 'en-US',
    categories: all(info, 'category').map((c) => c.text),
    event: value(info, 'event')!,
    urgency: value(info, 'urgency') as CapUrgency,
    severity: value(info, 'severity') as CapSeverity,
    certainty: value(info, 'certainty')!,
    onset: date(info, 'onset'),
    expires: date(info, 'expires'),
    headline: value(info, 'headline'),
    description: value(info, 'description'),
    instruction: value(info, 'instruction'),
    resources: all(info, 'resource').map((r) => ({
      resourceDesc: value(r, 'resourceDesc')!, mimeType: value(r, 'mimeType')!, size: value(r, 'size') ? Number(value(r, 'size')) : undefined,
      uri: value(r, 'uri'), derefUri: value(r, 'derefUri'), digest: value(r, 'digest'),
    })),
    areas: all(info, 'area').map((a) => ({ areaDesc: value(a, 'areaDesc')!, geocodes: all(a, 'geocode').map((g) => ({ valueName: value(g, 'valueName')!, value: value(g, 'value')! })) })),
  };
}
