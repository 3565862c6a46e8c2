/** 各命令的运行过程：convert、plan、fetch、status、abort、reboot，暂存与加载，软件包，选项。 */
export const RUN: Record<string, string> = {
  // --- 进度步骤（reporter） ---------------------------------------------------------------------
  'Inspecting this host': '检查本机',
  'Resolving the NestOS release': '解析 NestOS 版本',
  'Checking the Ignition config': '检查 Ignition 配置',
  'Installing kexec-tools': '安装 kexec-tools',
  'Staging the live system (rootfs {mode})': '暂存 live 系统（rootfs {mode}）',
  appended: '追加到 initrd',
  'by URL': '通过 URL 获取',
  'Loading the live kernel': '加载 live 内核',
  'Downloading the live {role}': '下载 live {role}',
  'Checking the signatures': '校验签名',
  'Checking that initramfs and rootfs come from the same build': '检查 initramfs 与 rootfs 是否来自同一构建版本',
  '{title}: done ({time})': '{title}：完成（{time}）',
  'warning: {message}': '警告：{message}',
  '{bytes}{total} at {speed}/s{left}': '{bytes}{total}，速度 {speed}/s{left}',
  ' of {total}': ' / {total}',
  ', {seconds}s left': '，剩余 {seconds} 秒',
  '{done} of {total}': '{done} / {total}',

  // --- the live system's failsafe (plan warnings, status) ---------------------------------------
  'the live system gives up on an installer still running after this long (default 30m)':
    'live 系统等待安装程序的最长时间，超时后由保护机制处理（默认 30m）',
  'must be a duration between 5m and 24h, written like 45m, 2h or 900s': '必须是 5m 到 24h 之间的时长，写法如 45m、2h 或 900s',
  'the failsafe cannot tell later whether the installer wrote to {device} ({reason}): if the install fails, the live system stays up instead of rebooting into this system':
    '保护机制之后无法判断安装程序是否写过 {device}（{reason}）：安装失败时 live 系统将保持运行，而不是重启回本系统',
  'the failsafe cannot leave its outcome where this system reads it ({reason}): after a failed attempt, `x2nestos status` cannot explain it':
    '保护机制无法把结果留在本系统能读到的位置（{reason}）：尝试失败后 `x2nestos status` 无法说明原因',
  'the Ignition config gives nest no SSH key: if the install fails after writing, nobody can log in to the live system to look':
    'Ignition 配置没有给 nest 任何 SSH 密钥：如果安装在写盘后失败，没有人能登录 live 系统查看',
  'partitions cover the whole first MiB': '分区覆盖了整个第一个 MiB',
  'lsblk did not report where its partitions start': 'lsblk 未报告其分区的起始位置',
  'findmnt is not installed': '未安装 findmnt',
  'cannot tell which filesystem holds {dir}': '无法确定 {dir} 所在的文件系统',
  'the filesystem holding {dir} ({type}) has no UUID': '{dir} 所在的文件系统（{type}）没有 UUID',
  'unknown type': '类型未知',
  '{dir} is on {type}, which the live system does not mount': '{dir} 位于 {type} 上，live 系统不会挂载它',
  '{dir} is on {source}, which the live system does not assemble': '{dir} 位于 {source} 上，live 系统不会组装它',
  'Attempt     {line}': '上次尝试    {line}',
  'Attempt     the live system left an outcome that cannot be read ({why})': '上次尝试    live 系统留下的结果无法读取（{why}）',
  '{file} is not a failsafe outcome this version reads': '{file} 不是本版本能读取的保护机制结果',
  '{file} is not valid JSON': '{file} 不是有效的 JSON',
  'your system was rebooted unchanged': '系统已原样重启',
  'the install was retried': '已重试安装',
  'the live system stayed up for SSH as nest': 'live 系统保持运行，可用 nest 通过 SSH 登录',
  'at an unknown time': '时间未知',

  // --- convert / reboot / abort / status --------------------------------------------------------
  '{unloaded}removed staged files in {workDir}; downloads stay in the cache':
    '{unloaded}已删除 {workDir} 中的暂存文件；下载的文件保留在缓存中',
  'unloaded the staged kernel; ': '已卸载暂存的内核；',
  'no terminal to ask for confirmation on': '没有可用于询问确认的终端',
  'pass --yes to convert without asking (or `x2nestos plan` to only look)': '加 --yes 可不经询问直接转换（或用 `x2nestos plan` 只查看）',
  'kexec-tools is not installed': '未安装 kexec-tools',
  'install kexec-tools with the package manager, or drop --skip-package-install':
    '请用软件包管理器安装 kexec-tools，或去掉 --skip-package-install',
  // --- 切换（switch） ---------------------------------------------------------------------------
  'systemd is shutting this host down; the NestOS live installer starts right after (follow it on the console)':
    'systemd 正在关闭本机；随后启动 NestOS live 安装程序（请在控制台上查看进度）',
  'systemd refused the switch: `systemctl kexec` said "{said}"': 'systemd 拒绝了切换：`systemctl kexec` 报告“{said}”',
  'resolve what systemd reports (an inhibitor lock: `systemd-inhibit --list`; a job in the way: `systemctl list-jobs`), then run x2nestos again':
    '请先解决 systemd 报告的问题（抑制锁：`systemd-inhibit --list`；挡路的任务：`systemctl list-jobs`），然后重新运行 x2nestos',
  'systemd cannot be reached over D-Bus: it is told to execute the NestOS live kernel at once (`systemctl --force kexec`; filesystems synced, other filesystems read-only)':
    '无法通过 D-Bus 联系 systemd：改为要求它立即执行 NestOS live 内核（`systemctl --force kexec`；文件系统已 sync，其他文件系统已改为只读）',
  'systemd refused the switch, with and without --force: "{first}", then "{forced}"':
    'systemd 拒绝了切换（不加和加 --force 都是如此）：先是“{first}”，然后是“{forced}”',
  'start dbus (`systemctl start dbus`) or reboot this host, then run x2nestos again':
    '请启动 dbus（`systemctl start dbus`）或重启本机，然后重新运行 x2nestos',
  'the host is rebooting through its init system, which starts the NestOS live installer at the end (follow it on the console)':
    '本机正在通过其 init 系统重启，最后会启动 NestOS live 安装程序（请在控制台上查看进度）',
  'the init system refused the reboot: `{command}` said "{said}"': 'init 系统拒绝了重启：`{command}` 报告“{said}”',
  'fix what it reports, then run x2nestos again': '请修正它报告的问题，然后重新运行 x2nestos',
  'executing the NestOS live kernel now (`kexec -e`): this host stops at once, the live installer follows on the console':
    '现在执行 NestOS live 内核（`kexec -e`）：本机立即停止，随后在控制台上运行 live 安装程序',
  '`kexec -e` did not execute the live kernel: "{said}"': '`kexec -e` 未能执行 live 内核：“{said}”',
  'nothing on the disks was changed; see the kernel log (dmesg), then run x2nestos again':
    '磁盘上没有任何更改；请查看内核日志（dmesg），然后重新运行 x2nestos',
  'the live kernel is no longer loaded, so there is nothing to switch to': 'live 内核已不再处于加载状态，无法切换',
  'something unloaded it (`kexec -u`, another tool); run x2nestos again': '有程序卸载了它（`kexec -u` 或其他工具）；请重新运行 x2nestos',
  '{remedy} (the live kernel stays loaded; `x2nestos abort` unloads it)': '{remedy}（live 内核仍保持加载；`x2nestos abort` 可卸载它）',
  'staged and loaded; run `x2nestos reboot` to switch, or `x2nestos abort` to undo':
    '已暂存并加载；运行 `x2nestos reboot` 切换，或运行 `x2nestos abort` 撤销',
  'switching to the live installer in {seconds}s (Ctrl-C to cancel)': '{seconds} 秒后切换到 live 安装程序（按 Ctrl-C 取消）',
  'switching to the NestOS live installer; it writes {disk} and reboots into NestOS. Log: {log}':
    '正在切换到 NestOS live 安装程序；它将写入 {disk} 并重启进入 NestOS。日志：{log}',
  none: '无',
  'Erase {device} ({installerName}) and install NestOS? Type the disk name ({name}) to confirm:':
    '要清除 {device}（{installerName}）并安装 NestOS 吗？请输入磁盘名（{name}）以确认：',
  'not confirmed; nothing was changed': '未确认；未做任何更改',
  'run again and type the disk name, or pass --yes': '请重新运行并输入磁盘名，或加 --yes',
  'release {release} verified in {dir}; convert from it with --release-dir {same}':
    '版本 {release} 已校验并保存在 {dir}；可用 --release-dir {same} 从它转换',
  ' (and {count} more)': '（另有 {count} 处）',
  'the Ignition config {source} is invalid: {error}{more}': 'Ignition 配置 {source} 无效：{error}{more}',
  'unknown error': '未知错误',
  'fix the config (`ignition-validate` reports the same errors) and run again':
    '请修正该配置（`ignition-validate` 会报告同样的错误）后重新运行',
  ' ({count} more problem{s} listed above)': '（上文另列出 {count} 个问题）',
  'nothing is staged in {workDir}': '{workDir} 中没有已暂存的内容',
  '{file} {corrupt}: what is staged is unknown': '{file} {corrupt}：无法确定暂存了什么',
  '`x2nestos abort` unloads and removes anything staged; then run the conversion again':
    '`x2nestos abort` 会卸载并删除所有暂存内容；之后请重新执行转换',
  'run `x2nestos --no-reboot ...` first': '请先运行 `x2nestos --no-reboot ...`',
  'the staged live kernel is no longer loaded (the host rebooted or it was unloaded)':
    '暂存的 live 内核已不再处于加载状态（主机已重启或内核已被卸载）',
  'run the conversion again': '请重新执行转换',
  'pass --yes': '请加 --yes',
  'Switch to the NestOS live installer now? It erases {disk}.': '现在切换到 NestOS live 安装程序吗？它会清除 {disk}。',
  'the target disk': '目标磁盘',
  'not confirmed; the live kernel stays loaded': '未确认；live 内核保持加载',
  '`x2nestos abort` unloads it': '`x2nestos abort` 可将其卸载',
  'Nothing staged in {workDir}.{note}': '{workDir} 中没有已暂存的内容。{note}',
  ' A kexec kernel is loaded, but not by x2nestos.': '已加载了一个 kexec 内核，但不是 x2nestos 加载的。',
  'Staged      {build} at {time} for {target}': '已暂存      {build}，时间 {time}，目标 {target}',
  'Kernel      {path}': '内核        {path}',
  'Initrd      {path} (sha256 {sha256})': 'Initrd      {path}（sha256 {sha256}）',
  'Loaded      {state}': '已加载      {state}',
  'yes ({method})': '是（{method}）',
  kexec_file_load: 'kexec_file_load',
  kexec_load: 'kexec_load',
  'unknown build': '未知构建版本',
  'a kernel is loaded, but not staged in this boot': '已加载了一个内核，但不是在本次启动中暂存的',
  'Next        `x2nestos reboot` switches, `x2nestos abort` undoes': '下一步      `x2nestos reboot` 切换，`x2nestos abort` 撤销',
  'Next        run the conversion again, or `x2nestos abort` to clean up': '下一步      重新执行转换，或用 `x2nestos abort` 清理',

  // --- 锁 ---------------------------------------------------------------------------------------
  '{what} is in use by another x2nestos{holder}': '{what} 正被另一个 x2nestos 使用{holder}',
  ' (pid {pid})': '（pid {pid}）',
  '{remedy} (delete {lockPath} if no x2nestos is running)': '{remedy}（若没有 x2nestos 在运行，可删除 {lockPath}）',
  'the work directory {workDir}': '工作目录 {workDir}',
  'wait for it to finish, or stop it': '请等待它结束，或将其停止',

  // --- 外部命令 ---------------------------------------------------------------------------------
  '{program} is not installed': '未安装 {program}',
  '`{command}` exited with {code}{stderr}': '`{command}` 退出码为 {code}{stderr}',

  // --- 选项与配置文件 ---------------------------------------------------------------------------
  'cannot read the config file {file}: {reason}': '无法读取配置文件 {file}：{reason}',
  'check the path given to --config': '请检查 --config 给出的路径',
  'the config file {file} is not valid YAML: {reason}': '配置文件 {file} 不是有效的 YAML：{reason}',
  'fix the file': '请修正该文件',
  'the config file {file} must be a mapping of option names to values': '配置文件 {file} 必须是“选项名: 值”的映射',
  'write it as `stream: 2403-LTS` lines': '请按 `stream: 2403-LTS` 这样的行来写',
  'config file {file}: key "{key}" is not an option name': '配置文件 {file}：键 "{key}" 不是选项名',
  'use the long flag names without dashes in front, e.g. `stream-base-url`': '请使用去掉前导横线的长选项名，例如 `stream-base-url`',
  'config key {key}': '配置键 {key}',
  'unknown option {where}': '未知选项 {where}',
  'see `x2nestos --help` for the options and their values': '选项及其取值参见 `x2nestos --help`',
  '{where}: {problem}': '{where}：{problem}',
  'must be a device path under /dev/': '必须是 /dev/ 下的设备路径',
  'is N, M-N, M- or -N': '格式为 N、M-N、M- 或 -N',
  'must be an absolute path': '必须是绝对路径',
  'must be 64 hex digits': '必须是 64 位十六进制数',
  'stream names are letters, digits, . _ -': '发布流名称只能包含字母、数字和 . _ -',

  // --- 内核参数 ---------------------------------------------------------------------------------
  '{flag} {karg} would make the live system boot another way': '{flag} {karg} 会让 live 系统以别的方式启动',
  'drop {key}= from {flag}': '请从 {flag} 中去掉 {key}=',
  '{flag} "{karg}" is not a single kernel argument': '{flag} "{karg}" 不是单个内核参数',
  'repeat {flag} once per argument': '每个参数请各写一次 {flag}',

  // --- 合并 initrd 与加载内核 -------------------------------------------------------------------
  'combining the initrd was interrupted': '合并 initrd 的过程被中断',
  'not enough free space in {dir} for the combined initrd': '{dir} 中没有足够空间存放合并后的 initrd',
  'free some space there or choose another directory with --work-dir': '请在那里腾出空间，或用 --work-dir 选择其他目录',
  'cannot combine the initrd: {path} is missing': '无法合并 initrd：缺少 {path}',
  "the kernel refused the NestOS kernel's signature (Secure Boot / lockdown only loads kernels signed with a trusted key)":
    '内核拒绝了 NestOS 内核的签名（安全启动 / 内核锁定只允许加载由受信任密钥签名的内核）',
  'disable Secure Boot in the firmware setup, or enroll the NestOS signing key, then run again':
    '请在固件设置中关闭安全启动，或登记 NestOS 的签名密钥，然后重新运行',
  'the kernel does not permit kexec now (lockdown, kexec_load_disabled, or a security module)':
    '内核当前不允许 kexec（内核锁定、kexec_load_disabled 或安全模块所致）',
  'check /sys/kernel/security/lockdown and /proc/sys/kernel/kexec_load_disabled; disable Secure Boot or reboot without the sysctl':
    '请检查 /sys/kernel/security/lockdown 和 /proc/sys/kernel/kexec_load_disabled；关闭安全启动，或去掉该 sysctl 后重启',
  'this load method does not accept the NestOS kernel image': '这种加载方式不接受 NestOS 内核镜像',
  'try again with the other method; if both fail, report the kernel release and the log':
    '请改用另一种方式重试；若两种都失败，请报告内核版本并附上日志',
  'not enough memory to load the live system': '内存不足，无法加载 live 系统',
  'free memory (stop services) or use --rootfs-mode url so the initrd is small':
    '请释放内存（停止一些服务），或使用 --rootfs-mode url 以减小 initrd',
  'this kernel was built without this kexec system call': '此内核编译时未包含这个 kexec 系统调用',
  'the other load method may work; otherwise boot a kernel with CONFIG_KEXEC': '另一种加载方式也许可行；否则请启动带 CONFIG_KEXEC 的内核',
  'another kexec operation is in progress': '另一个 kexec 操作正在进行',
  'wait, run `x2nestos abort`, and try again': '请稍候，运行 `x2nestos abort`，然后重试',
  'kexec was killed, most likely by the out-of-memory killer': 'kexec 被终止，很可能是被内存不足（OOM）机制杀掉',
  'free memory or use --rootfs-mode url so the initrd is small': '请释放内存，或使用 --rootfs-mode url 以减小 initrd',
  'kexec failed (exit {code})': 'kexec 失败（退出码 {code}）',
  'see the kexec message and the kernel log (dmesg) in the details, then report it with the log':
    '请查看详细信息中的 kexec 输出和内核日志（dmesg），然后附上日志报告问题',
  '{method}: kexec exited 0 but /sys/kernel/kexec_loaded is not 1': '{method}：kexec 退出码为 0，但 /sys/kernel/kexec_loaded 不为 1',
  'loading the live kernel failed: {why}': '加载 live 内核失败：{why}',
  'loading the live kernel failed': '加载 live 内核失败',
  'see the log for each attempt': '每次尝试的情况请查看日志',

  // --- 软件包（dnf/yum、apt-get） -----------------------------------------------------------------
  'could not preseed debconf before installing kexec-tools': '安装 kexec-tools 前无法预置 debconf',
  'install kexec-tools by hand, answering "no" to "Should kexec-tools handle reboots?", and rerun with --skip-package-install':
    '请手动安装 kexec-tools，对“Should kexec-tools handle reboots?”回答“no”，然后加 --skip-package-install 重新运行',
  'another package manager holds the dpkg lock (unattended-upgrades?)': '另一个软件包管理程序占用着 dpkg 锁（unattended-upgrades？）',
  'wait for it to finish and rerun': '请等它结束后重新运行',
  'an earlier dpkg run was interrupted': '之前的一次 dpkg 运行被中断了',
  'run `dpkg --configure -a` and rerun': '请运行 `dpkg --configure -a` 后重新运行',
  'no configured repository carries kexec-tools, even after `apt-get update`':
    '即使执行了 `apt-get update`，已配置的软件源中也没有 kexec-tools',
  'fix /etc/apt/sources.list': '请修正 /etc/apt/sources.list',
  'the package repositories are unreachable or broken': '软件源无法访问或已损坏',
  'fix the network, proxy or /etc/apt/sources.list': '请修正网络、代理或 /etc/apt/sources.list',
  'apt-get failed': 'apt-get 失败',
  'read the output below': '请阅读下面的输出',
  'could not install kexec-tools with apt-get: {cause}': '无法用 apt-get 安装 kexec-tools：{cause}',
  '{fix}, or install kexec-tools by hand and rerun with --skip-package-install':
    '{fix}，或手动安装 kexec-tools 后加 --skip-package-install 重新运行',
  ', ID_LIKE={idLike}': '，ID_LIKE={idLike}',
  '{name} is a yum-family system but neither dnf nor yum is installed': '{name} 属于 yum 系，但既没有安装 dnf 也没有安装 yum',
  '{name} is an apt-family system but apt-get is not installed': '{name} 属于 apt 系，但没有安装 apt-get',
  '{name}, not a distribution x2nestos knows,': '{name}（x2nestos 不认识的发行版）',
  '{known} has both {tool} and apt-get installed, so its package tool is ambiguous':
    '{known} 同时装有 {tool} 和 apt-get，无法确定应使用哪个软件包工具',
  '{known} has neither dnf/yum nor apt-get installed': '{known} 既没有安装 dnf/yum，也没有安装 apt-get',
  'no enabled repository carries kexec-tools (check `{tool} repolist`)': '已启用的软件源中没有 kexec-tools（请检查 `{tool} repolist`）',
  'the package repositories are unreachable or broken (check `{tool} repolist` and the network or proxy)':
    '软件源无法访问或已损坏（请检查 `{tool} repolist` 以及网络或代理）',
  'the package manager failed': '软件包管理器执行失败',
  'could not install kexec-tools with {tool}: {cause}': '无法用 {tool} 安装 kexec-tools：{cause}',
  'fix the repositories, or install kexec-tools by hand (`{install}` or from an rpm) and rerun with --skip-package-install':
    '请修正软件源，或手动安装 kexec-tools（`{install}` 或用 rpm 包），然后加 --skip-package-install 重新运行',
  'enrol the certificate that signed the NestOS kernel with `mokutil --import <cert.der>` and confirm it at the next boot, or disable Secure Boot in the firmware setup, or boot the NestOS live ISO from virtual media instead of converting in place':
    '请用 `mokutil --import <cert.der>` 登记为 NestOS 内核签名的证书并在下次启动时确认，或在固件设置中关闭安全启动，或改为通过虚拟介质启动 NestOS live ISO 而不是原地转换',
  "this kernel ({state}) only loads kernels signed with a key it trusts, and it refused the NestOS live kernel's signature; nothing was loaded":
    '当前内核（{state}）只加载由其信任的密钥签名的内核，它拒绝了 NestOS live 内核的签名；没有加载任何内容',
  "cannot tell this machine's architecture: `uname -m` gave no answer": '无法确定本机的架构：`uname -m` 没有给出结果',
  'pass --arch x86_64 or --arch aarch64': '请传入 --arch x86_64 或 --arch aarch64',
};
