/**
 * The point of no return: hand the machine to the loaded live kernel. systemd stops services and
 * unmounts cleanly (`systemctl kexec`); without systemd we sync and execute the kernel directly.
 */
import type { Runner } from '../effects/runner.js';

export async function switchToLive(runner: Runner, switchArgv: string[], log: (line: string) => void): Promise<void> {
  log(`switching: ${switchArgv.join(' ')}`);
  await runner.change(['sync']);
  await runner.change(switchArgv, { timeoutMs: 120_000 });
}

export function sleep(seconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, seconds * 1000);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }, { once: true });
  });
}
