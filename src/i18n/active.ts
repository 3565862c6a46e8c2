/**
 * The reader's language for this process, like the locale it comes from: set once by src/cli.ts
 * after reading --lang and the environment, read where text is rendered for people without a
 * context at hand (the plan). Everything else gets its Translator passed in.
 */
import { english, type Translator } from './translate.js';

let active: Translator = english;

export function setActiveTranslator(translator: Translator): void {
  active = translator;
}

export function activeTranslator(): Translator {
  return active;
}
