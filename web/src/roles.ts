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
  manageUsers: (role: Role) => role === 'admin',
  readAlerts: (role: Role) => [...STAFF, 'auditor'].includes(role),
};

export type PageName = 'library' | 'compose' | 'receivers' | 'schedules' | 'broadcasts' | 'reports' | 'audit' | 'areas' | 'users' | 'emergency' | 'alerts' | 'account';

/**
 * The pages, in menu order, with who sees each. Operators see the library to preview audio they may
 * schedule. The account page (own password, second factor) is for everyone, reached from the user's name.
 */
export const PAGES: { name: PageName; path: string; allowed: (role: Role) => boolean; inMenu?: false }[] = [
  { name: 'library', path: '/library', allowed: (role) => role !== 'auditor' },
  { name: 'compose', path: '/compose', allowed: can.manageAudio },
  { name: 'receivers', path: '/receivers', allowed: (role) => role !== 'auditor' },
  { name: 'schedules', path: '/schedules', allowed: can.schedule },
  { name: 'broadcasts', path: '/broadcasts', allowed: () => true },
  { name: 'reports', path: '/reports', allowed: can.readReports },
  { name: 'audit', path: '/audit', allowed: can.readAudit },
  { name: 'areas', path: '/areas', allowed: can.importAreas },
  { name: 'users', path: '/users', allowed: can.manageUsers },
  { name: 'emergency', path: '/emergency', allowed: can.emergency },
  { name: 'alerts', path: '/alerts', allowed: can.readAlerts },
  { name: 'account', path: '/account', allowed: () => true, inMenu: false },
];

/** Until a required second factor is enrolled, the account page is the whole console. */
export const ACCOUNT_PATH = '/account';

/** Where each role lands after login: its everyday page. */
export function homePath(role: Role): string {
  if (role === 'commune_operator') return '/schedules';
  if (role === 'auditor') return '/reports';
  return '/library';
}
