import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en } from './en';
import { vi } from './vi';

export type Lang = 'vi' | 'en';
export type MessageKey = keyof typeof vi;
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export const LANGS: Lang[] = ['vi', 'en'];
const dictionaries: Record<Lang, Record<MessageKey, string>> = { vi, en };
const LANG_KEY = 'loa.lang';

/** Vietnamese unless the user switched to English on this browser. */
export function initialLang(): Lang {
  return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi';
}

export function storeLang(lang: Lang): void {
  localStorage.setItem(LANG_KEY, lang);
}

/** `{name}` placeholders are filled from `params`. */
export function translator(lang: Lang): Translate {
  const dictionary = dictionaries[lang];
  return (key, params) => dictionary[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name] ?? `{${name}}`));
}

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
}

export const I18nContext = createContext<I18n>({ lang: 'vi', setLang: () => undefined, t: translator('vi') });
export const useI18n = () => useContext(I18nContext);
