import type { Role } from '../users/user.entity.js';

/** The caller of a user route, with the area path that bounds what it may see. */
export interface AuthUser {
  id: string;
  username: string;
  role: Role;
  areaId: string | null;
  /** null: no bound (an admin without an area). */
  areaPath: string | null;
  /** LOA_REQUIRE_TOTP applies to this user and no second factor is enrolled yet: only enrolment routes answer. */
  mustEnrolTotp: boolean;
}

/** The caller of a device route. */
export interface AuthDevice {
  speakerId: string;
  communeId: string;
}
