/** CAP 1.2 messages for tests, built the way an upstream warning system writes them. */
export interface CapFields {
  identifier: string;
  sender?: string;
  status?: string;
  msgType?: string;
  references?: string;
  urgency?: string;
  severity?: string;
  onset?: Date;
  expires?: Date;
  /** Geocodes as [valueName, value]; default none. */
  geocodes?: Array<[string, string]>;
  language?: string;
  headline?: string;
  description?: string;
  instruction?: string;
  /** An inline audio resource. */
  audio?: { base64: string; mimeType?: string; digest?: string };
  /** No <info> at all (a Cancel). */
  noInfo?: boolean;
}

/** A CAP date-time as warning centres write it: a +07:00 offset, no fractions. */
export function capTime(date: Date): string {
  const local = new Date(date.getTime() + 7 * 3600_000);
  return `${local.toISOString().slice(0, 19)}+07:00`;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function capXml(f: CapFields): string {
  const info = f.noInfo
    ? ''
    : `<info><language>${f.language ?? 'vi-VN'}</language><category>Met</category><event>Bão</event>
      <urgency>${f.urgency ?? 'Immediate'}</urgency><severity>${f.severity ?? 'Extreme'}</severity><certainty>Observed</certainty>
      ${f.onset ? `<onset>${capTime(f.onset)}</onset>` : ''}${f.expires ? `<expires>${capTime(f.expires)}</expires>` : ''}
      <headline>${escape(f.headline ?? 'Tin bão khẩn cấp')}</headline>
      ${f.description !== '' ? `<description>${escape(f.description ?? 'Bão số 3 đổ bộ lúc 17h, gió 90-100 km/h.')}</description>` : ''}
      ${f.instruction ? `<instruction>${escape(f.instruction)}</instruction>` : ''}
      ${f.audio ? `<resource><resourceDesc>bản tin</resourceDesc><mimeType>${f.audio.mimeType ?? 'audio/mpeg'}</mimeType><derefUri>${f.audio.base64}</derefUri>${f.audio.digest ? `<digest>${f.audio.digest}</digest>` : ''}</resource>` : ''}
      <area><areaDesc>vùng</areaDesc>${(f.geocodes ?? []).map(([n, v]) => `<geocode><valueName>${n}</valueName><value>${v}</value></geocode>`).join('')}</area></info>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>${f.identifier}</identifier><sender>${f.sender ?? 'kttv@example.vn'}</sender>
<sent>${capTime(new Date())}</sent><status>${f.status ?? 'Actual'}</status><msgType>${f.msgType ?? 'Alert'}</msgType><scope>Public</scope>
${f.references ? `<references>${f.references}</references>` : ''}${info}</alert>`;
}
