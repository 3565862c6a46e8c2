// The time-to-switch benchmark (bench/switch-time.mjs) runs in the VM suite as an exclusive scenario.
export { id, title, exclusive, run } from '../../../bench/switch-time.mjs';
