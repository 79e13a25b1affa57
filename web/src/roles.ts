import type { Role } from './types';

const STAFF: Role[] = ['admin', 'district_staff'];

/** What each role may do (SPEC section 1); the server enforces it, the console only hides what would be refused. */
export const can = {
  manageAudio: (role: Role) => STAFF.includes(role),
  manageSpeakers: (role: Role) => STAFF.includes(role),
  schedule: (role: Role) => [...STAFF, 'commune_operator'].includes(role),
  emergency: (role: Role) => STAFF.includes(role),
  readReports: (role: Role) => [...STAFF, 'auditor'].includes(role),
  readAudit: (role: Role) => role === 'admin' || role === 'auditor',
  importAreas: (role: Role) => role === 'admin',
  readAlerts: (role: Role) => [...STAFF, 'auditor'].includes(role),
};

export type PageName = 'library' | 'compose' | 'receivers' | 'schedules' | 'broadcasts' | 'reports' | 'audit' | 'areas' | 'emergency' | 'alerts';

/** The menu, in order, with who sees each entry. Operators see the library to preview audio they may schedule. */
export const PAGES: { name: PageName; path: string; allowed: (role: Role) => boolean }[] = [
  { name: 'library', path: '/library', allowed: (role) => role !== 'auditor' },
  { name: 'compose', path: '/compose', allowed: can.manageAudio },
  { name: 'receivers', path: '/receivers', allowed: (role) => role !== 'auditor' },
  { name: 'schedules', path: '/schedules', allowed: can.schedule },
  { name: 'broadcasts', path: '/broadcasts', allowed: () => true },
  { name: 'reports', path: '/reports', allowed: can.readReports },
  { name: 'audit', path: '/audit', allowed: can.readAudit },
  { name: 'areas', path: '/areas', allowed: can.importAreas },
  { name: 'emergency', path: '/emergency', allowed: can.emergency },
  { name: 'alerts', path: '/alerts', allowed: can.readAlerts },
];

/** Where each role lands after login: its everyday page. */
export function homePath(role: Role): string {
  if (role === 'commune_operator') return '/schedules';
  if (role === 'auditor') return '/reports';
  return '/library';
}
