/**
 * The unit of a step the live system runs after a successful install (contract §9), ordered like
 * nestos-installer's own post-install hooks: after the install service, before its target and
 * required by it, so the reboot unit (after the target) waits for it. Output goes to the journal
 * and the console, where someone at the console would look.
 */
export function postInstallHookUnit(hook: { comment?: string; description: string; script: string; condition?: string }): string {
  return `${hook.comment === undefined ? '' : `# ${hook.comment}\n`}[Unit]
Description=${hook.description}
After=nestos-installer.service
Before=nestos-installer.target
${hook.condition === undefined ? '' : `${hook.condition}\n`}
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh ${hook.script}
StandardOutput=journal+console
StandardError=journal+console

[Install]
RequiredBy=nestos-installer.target
`;
}
