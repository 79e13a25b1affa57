import { shellEn } from './shell.en';
import { programmeEn } from './programme.en';
import { placesEn } from './places.en';
import { peopleEn } from './people.en';
import type { vi } from './vi';

/** English; the same keys as vi.ts. */
export const en: Record<keyof typeof vi, string> = { ...shellEn, ...programmeEn, ...placesEn, ...peopleEn };
