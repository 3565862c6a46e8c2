/** Why a conversion cannot go ahead: the planner and the payload builders both refuse with one. */
import type { ErrorKind } from '../errors.js';

export interface Blocker {
  kind: ErrorKind;
  message: string;
  remedy?: string;
}
