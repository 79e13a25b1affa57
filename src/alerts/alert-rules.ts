import type { CapAlert, CapInfo } from './cap/cap-parser.js';
import { CapError } from './cap/cap-parser.js';

/** Geocode names that name a Loa area (SPEC §11): a Loa area code, or an official administrative unit code as imported. */
export const AREA_GEOCODES = ['LOA', 'VN-DVHC'];

/** Between two passes of an alert (SPEC §11). */
export const ALERT_GAP_SEC = 10;

/**
 * The info block to air: Vietnamese first (what the loudspeakers speak), then one carrying audio,
 * then the first. CAP allows one info per language.
 */
export function chooseInfo(alert: CapAlert): CapInfo | undefined {
  const score = (info: CapInfo) => (/^vi(-|$)/i.test(info.language) ? 2 : 0) + (info.resources.some((r) => /^audio\//i.test(r.mimeType)) ? 1 : 0);
  return [...alert.infos].sort((a, b) => score(b) - score(a))[0];
}

/** Whether the message goes on the air: an Actual Alert or Update. Exercise, Test and System are stored, never aired. */
export function airs(alert: CapAlert): boolean {
  return alert.status === 'Actual' && (alert.msgType === 'Alert' || alert.msgType === 'Update');
}

/** Urgency Immediate or severity Extreme: an emergency, now; otherwise a priority broadcast at onset (SPEC §11). */
export function priorityOf(info: CapInfo): 'emergency' | 'priority' {
  return info.urgency === 'Immediate' || info.severity === 'Extreme' ? 'emergency' : 'priority';
}

/** The geocodes that name areas, with their paths in the message for errors. */
export function areaGeocodes(info: CapInfo): Array<{ value: string; path: string }> {
  const codes = info.areas.flatMap((area, a) =>
    area.geocodes
      .map((g, i) => ({ ...g, path: `${info.path}/area[${a + 1}]/geocode[${i + 1}]/value` }))
      .filter((g) => AREA_GEOCODES.includes(g.valueName)),
  );
  if (!codes.length) throw new CapError(`${info.path}/area`, `names no area: Loa needs a <geocode> with valueName ${AREA_GEOCODES.join(' or ')}`);
  return codes;
}

/** The rules of time before anything is made: Draft refused, references where they must be, nothing airs after expires. */
export function checkMessage(alert: CapAlert, info: CapInfo | undefined, now: Date): void {
  if (alert.status === 'Draft') throw new CapError('alert/status', 'Draft messages are not accepted (send Actual, Exercise or Test)');
  if ((alert.msgType === 'Update' || alert.msgType === 'Cancel') && !alert.references.length) {
    throw new CapError('alert/references', `an ${alert.msgType} must name the message it is about`);
  }
  if (!airs(alert)) return;
  if (!info) throw new CapError('alert/info', 'nothing playable: the message has no <info>');
  if (info.expires && info.expires <= now) throw new CapError(`${info.path}/expires`, `the alert expired at ${info.expires.toISOString()}: nothing airs after expires`);
  if (info.onset && info.expires && info.onset >= info.expires) throw new CapError(`${info.path}/onset`, 'is not before expires');
}
