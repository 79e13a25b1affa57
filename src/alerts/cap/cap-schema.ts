/**
 * OASIS CAP 1.2 (Common Alerting Protocol), as its XML schema states it: each element's children in
 * order, how often each may occur, and the value sets. The parser checks a message against this
 * table the way a schema validator would, and names the element when something is wrong.
 */
export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

export interface ElementSpec {
  name: string;
  min: number;
  max: number;
  /** text (non-empty string), a value set, a CAP dateTime, a number, or more elements. */
  kind: 'text' | 'enum' | 'dateTime' | 'decimal' | 'integer' | 'complex';
  values?: readonly string[];
  children?: ElementSpec[];
}

const MANY = Infinity;
const text = (name: string, min = 0, max = 1): ElementSpec => ({ name, min, max, kind: 'text' });
const oneOf = (name: string, values: readonly string[], min = 1, max = 1): ElementSpec => ({ name, min, max, kind: 'enum', values });
const dateTime = (name: string, min = 0): ElementSpec => ({ name, min, max: 1, kind: 'dateTime' });
const pair = (name: string): ElementSpec => ({ name, min: 0, max: MANY, kind: 'complex', children: [text('valueName', 1), text('value', 1)] });

export const STATUSES = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
export const MSG_TYPES = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
export const SCOPES = ['Public', 'Restricted', 'Private'] as const;
export const CATEGORIES = ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const;
export const RESPONSE_TYPES = ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'] as const;
export const URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;

export type CapStatus = (typeof STATUSES)[number];
export type CapMsgType = (typeof MSG_TYPES)[number];
export type CapUrgency = (typeof URGENCIES)[number];
export type CapSeverity = (typeof SEVERITIES)[number];

const RESOURCE: ElementSpec = {
  name: 'resource', min: 0, max: MANY, kind: 'complex',
  children: [text('resourceDesc', 1), text('mimeType', 1), { name: 'size', min: 0, max: 1, kind: 'integer' }, text('uri'), text('derefUri'), text('digest')],
};

const AREA: ElementSpec = {
  name: 'area', min: 0, max: MANY, kind: 'complex',
  children: [
    text('areaDesc', 1), text('polygon', 0, MANY), text('circle', 0, MANY), pair('geocode'),
    { name: 'altitude', min: 0, max: 1, kind: 'decimal' }, { name: 'ceiling', min: 0, max: 1, kind: 'decimal' },
  ],
};

const INFO: ElementSpec = {
  name: 'info', min: 0, max: MANY, kind: 'complex',
  children: [
    text('language'), oneOf('category', CATEGORIES, 1, MANY), text('event', 1), oneOf('responseType', RESPONSE_TYPES, 0, MANY),
    oneOf('urgency', URGENCIES), oneOf('severity', SEVERITIES), oneOf('certainty', CERTAINTIES), text('audience'), pair('eventCode'),
    dateTime('effective'), dateTime('onset'), dateTime('expires'), text('senderName'), text('headline'), text('description'), text('instruction'),
    text('web'), text('contact'), pair('parameter'), RESOURCE, AREA,
  ],
};

export const ALERT: ElementSpec = {
  name: 'alert', min: 1, max: 1, kind: 'complex',
  children: [
    text('identifier', 1), text('sender', 1), dateTime('sent', 1), oneOf('status', STATUSES), oneOf('msgType', MSG_TYPES), text('source'),
    oneOf('scope', SCOPES), text('restriction'), text('addresses'), text('code', 0, MANY), text('note'), text('references'), text('incidents'), INFO,
  ],
};

/**
 * CAP 1.2 §3.3.2: "2002-05-24T16:49:00-07:00", a time zone required. CAP forbids the designator "Z",
 * but it names UTC as unambiguously as "-00:00", and refusing a real warning over it is worse than
 * airing it: "Z" is accepted. A time with no zone at all stays refused (whose clock would it be?).
 */
export const CAP_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[-+]\d{2}:\d{2}|Z)$/;
