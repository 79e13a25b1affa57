import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CapError, parseCap } from './cap-parser.js';

const SAMPLE = readFileSync(join(import.meta.dirname, '../../../docs/samples/storm-alert.cap.xml'), 'utf8');
const NS = 'urn:oasis:names:tc:emergency:cap:1.2';

/** A minimal valid message with `info` inside, or the given replacements applied to the sample. */
const message = (info = '', head = '') =>
  `<alert xmlns="${NS}"><identifier>ID-1</identifier><sender>s@example.vn</sender><sent>2025-09-06T16:00:00+07:00</sent><status>Actual</status><msgType>Alert</msgType>${head}<scope>Public</scope>${info}</alert>`;
const INFO = '<info><category>Met</category><event>Bão</event><urgency>Immediate</urgency><severity>Extreme</severity><certainty>Observed</certainty></info>';

function refusal(xml: string): { element: string; message: string } {
  try {
    parseCap(xml);
  } catch (error) {
    if (error instanceof CapError) return { element: error.element, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('parseCap', () => {
  it('reads the sample storm warning', () => {
    const alert = parseCap(SAMPLE);
    expect(alert).toMatchObject({ identifier: 'KTTV-2025-BAO-SO-3-0001', sender: 'canhbao@kttv.gov.vn', status: 'Actual', msgType: 'Alert', scope: 'Public', references: [] });
    expect(alert.sent.toISOString()).toBe('2025-09-06T09:00:00.000Z');
    const [info] = alert.infos;
    expect(info).toMatchObject({ path: 'alert/info[1]', language: 'vi-VN', categories: ['Met'], event: 'Bão số 3', urgency: 'Expected', severity: 'Severe', headline: 'Tin bão khẩn cấp: cơn bão số 3' });
    expect(info.instruction).toContain('PCTT&TKCN');
    expect(info.areas).toEqual([{ areaDesc: 'Xã Y Tý, tỉnh Lào Cai', geocodes: [{ valueName: 'LOA', value: 'LC-YT' }] }]);
  });

  it('accepts a namespace prefix, CDATA, comments, references, resources and a foreign signature', () => {
    const xml = `<?xml version="1.0"?><cap:alert xmlns:cap="${NS}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><cap:identifier>U-2</cap:identifier><cap:sender>s</cap:sender>
      <cap:sent>2025-09-06T16:00:00-00:00</cap:sent><cap:status>Actual</cap:status><cap:msgType>Update</cap:msgType><cap:scope>Public</cap:scope>
      <cap:references>s,U-1,2025-09-06T15:00:00+07:00 s,U-0,2025-09-06T14:00:00+07:00</cap:references><!-- note -->
      <cap:info><cap:category>Met</cap:category><cap:category>Geo</cap:category><cap:event>E</cap:event><cap:urgency>Expected</cap:urgency><cap:severity>Moderate</cap:severity>
      <cap:certainty>Likely</cap:certainty><cap:expires>2025-09-07T16:00:00+07:00</cap:expires><cap:description><![CDATA[mưa > 100 mm & gió]]></cap:description>
      <cap:resource><cap:resourceDesc>audio</cap:resourceDesc><cap:mimeType>audio/mpeg</cap:mimeType><cap:size>1200</cap:size><cap:derefUri>AAAA</cap:derefUri></cap:resource>
      <cap:area><cap:areaDesc>A</cap:areaDesc><cap:geocode><cap:valueName>VN-DVHC</cap:valueName><cap:value>00001</cap:value></cap:geocode><cap:geocode><cap:valueName>LOA</cap:valueName><cap:value>X</cap:value></cap:geocode></cap:area>
      </cap:info><ds:Signature>...</ds:Signature></cap:alert>`;
    const alert = parseCap(xml);
    expect(alert.references).toEqual([
      { sender: 's', identifier: 'U-1', sent: '2025-09-06T15:00:00+07:00' },
      { sender: 's', identifier: 'U-0', sent: '2025-09-06T14:00:00+07:00' },
    ]);
    expect(alert.infos[0]).toMatchObject({ language: 'en-US', categories: ['Met', 'Geo'], description: 'mưa > 100 mm & gió', resources: [{ resourceDesc: 'audio', mimeType: 'audio/mpeg', size: 1200, derefUri: 'AAAA' }] });
    expect(alert.infos[0].expires!.toISOString()).toBe('2025-09-07T09:00:00.000Z');
    expect(alert.infos[0].areas[0].geocodes).toHaveLength(2);
  });

  // CAP 1.2 forbids "Z", but it is as unambiguous as -00:00: a real warning is not refused over it.
  it.each([
    ['Z', '2025-09-06T09:00:00Z'],
    ['+00:00', '2025-09-06T09:00:00+00:00'],
    ['-00:00', '2025-09-06T09:00:00-00:00'],
    ['+07:00', '2025-09-06T16:00:00+07:00'],
  ])('reads a time in %s as the same UTC instant', (_zone, sent) => {
    const onset = sent.replace('2025-09-06T', '2025-09-07T');
    const alert = parseCap(message(INFO.replace('<certainty>Observed</certainty>', `<certainty>Observed</certainty><onset>${onset}</onset>`)).replace('2025-09-06T16:00:00+07:00', sent));
    expect(alert.sent.toISOString()).toBe('2025-09-06T09:00:00.000Z');
    expect(alert.infos[0].onset!.toISOString()).toBe('2025-09-07T09:00:00.000Z');
  });

  const refused: Array<[string, string, string, RegExp]> = [
    ['a billion laughs', `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><alert xmlns="${NS}">&lol2;</alert>`, 'alert', /DOCTYPE or entity declaration is not allowed/],
    ['an external entity', `<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><alert xmlns="${NS}"><identifier>&xxe;</identifier></alert>`, 'alert', /DOCTYPE/],
    ['a lower-case doctype', `<!doctype alert><alert xmlns="${NS}"/>`, 'alert', /DOCTYPE/],
    ['broken XML', `<alert xmlns="${NS}"><identifier>x</alert>`, 'alert', /not well-formed XML: .*line 1/],
    ['not XML at all', 'hello', 'alert', /not well-formed XML|exactly one root element/],
    ['an undefined entity', message('<note>&nbsp;</note>'), 'alert', /not well-formed XML: "&nbsp;" is not one of XML's own entities/],
    ['a bare ampersand', message('<note>a & b</note>'), 'alert', /not well-formed XML: "&" is not one of/],
    ['CAP 1.1', message().replace('cap:1.2', 'cap:1.1'), 'alert', /namespace must be urn:oasis:names:tc:emergency:cap:1.2/],
    ['no namespace', '<alert><identifier>x</identifier></alert>', 'alert', /namespace must be .* got none/],
    ['another root', `<feed xmlns="${NS}"/>`, 'feed', /root element must be a CAP <alert>/],
    ['a missing sender', message().replace('<sender>s@example.vn</sender>', ''), 'alert/sender', /required by CAP 1.2 and missing/],
    ['a missing scope', message().replace('<scope>Public</scope>', ''), 'alert/scope', /required/],
    ['an empty identifier', message().replace('<identifier>ID-1</identifier>', '<identifier></identifier>'), 'alert/identifier', /is empty/],
    ['an identifier with a space', message().replace('ID-1', 'ID 1'), 'alert/identifier', /must not contain spaces/],
    ['an unknown status', message().replace('Actual', 'Real'), 'alert/status', /"Real" is not one of Actual, Exercise, System, Test, Draft/],
    ['an unknown msgType', message().replace('<msgType>Alert', '<msgType>Warning'), 'alert/msgType', /not one of Alert, Update, Cancel, Ack, Error/],
    ['a date without a zone', message().replace('+07:00', ''), 'alert/sent', /not a CAP date-time .*a time zone is required/],
    ['a date in lower-case z', message().replace('+07:00', 'z'), 'alert/sent', /not a CAP date-time/],
    ['a date with fractional seconds', message().replace('16:00:00+07:00', '16:00:00.5+07:00'), 'alert/sent', /not a CAP date-time/],
    ['an impossible date', message().replace('2025-09-06', '2025-13-40'), 'alert/sent', /not a CAP date-time/],
    ['elements out of order', message().replace('<status>Actual</status><msgType>Alert</msgType>', '<msgType>Alert</msgType><status>Actual</status>'), 'alert/status', /out of order: CAP 1.2 puts it before <msgType>/],
    ['a repeated sender', message().replace('</sender>', '</sender><sender>t</sender>'), 'alert/sender', /may occur only once/],
    ['an unknown element', message('<colour>red</colour>'), 'alert/colour', /not a CAP 1.2 element inside <alert>/],
    ['text in alert', message('stray text'), 'alert', /holds text/],
    ['elements in a value', message().replace('<identifier>ID-1</identifier>', '<identifier><b>x</b></identifier>'), 'alert/identifier', /holds elements/],
    ['an info without event', message(INFO.replace('<event>Bão</event>', '')), 'alert/info[1]/event', /required/],
    ['an info without category', message(INFO.replace('<category>Met</category>', '')), 'alert/info[1]/category', /required/],
    ['a bad urgency', message(INFO.replace('Immediate', 'Now')), 'alert/info[1]/urgency', /"Now" is not one of Immediate, Expected, Future, Past, Unknown/],
    ['a bad severity', message(INFO.replace('Extreme', 'Huge')), 'alert/info[1]/severity', /not one of Extreme/],
    ['a bad category in a second info', message(INFO + INFO.replace('Met', 'Weather')), 'alert/info[2]/category[1]', /"Weather" is not one of Geo, Met/],
    ['a bad expiry', message(INFO.replace('</certainty>', '</certainty><expires>tomorrow</expires>')), 'alert/info[1]/expires', /not a CAP date-time/],
    ['a resource without mimeType', message(INFO.replace('</info>', '<resource><resourceDesc>a</resourceDesc></resource></info>')), 'alert/info[1]/resource[1]/mimeType', /required/],
    ['a resource size in words', message(INFO.replace('</info>', '<resource><resourceDesc>a</resourceDesc><mimeType>audio/mpeg</mimeType><size>big</size></resource></info>')), 'alert/info[1]/resource[1]/size', /not a whole number/],
    ['a geocode without value', message(INFO.replace('</info>', '<area><areaDesc>a</areaDesc><geocode><valueName>LOA</valueName></geocode></area></info>')), 'alert/info[1]/area[1]/geocode[1]/value', /required/],
    ['an area without areaDesc', message(INFO.replace('</info>', '<area><geocode><valueName>LOA</valueName><value>X</value></geocode></area></info>')), 'alert/info[1]/area[1]/areaDesc', /required/],
    ['bad references', message('', '<references>just-an-id</references>').replace('<references>just-an-id</references><scope>Public</scope>', '<scope>Public</scope><references>just-an-id</references>'), 'alert/references', /"just-an-id" is not sender,identifier,sent/],
    ['Private without addresses', message().replace('Public', 'Private'), 'alert/addresses', /required by CAP 1.2 when scope is Private/],
  ];
  it.each(refused)('refuses %s, naming the element', (_what, xml, element, problem) => {
    const error = refusal(xml);
    expect(error.element).toBe(element);
    expect(error.message).toMatch(problem);
  });

  it('refuses a bomb before any entity is expanded', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE b [${Array.from({ length: 10 }, (_, i) => `<!ENTITY e${i + 1} "${`&e${i};`.repeat(10)}">`).join('')}<!ENTITY e0 "ha">]><alert xmlns="${NS}">&e10;</alert>`;
    expect(refusal(bomb).message).toMatch(/DOCTYPE/);
  });
});
