/** 本机情况（事实收集、身份、网络、Ignition）与计划（阻止项、警告、步骤）。 */
export const HOST: Record<string, string> = {
  // --- 事实收集 ---------------------------------------------------------------------------------
  'lsblk is not installed (util-linux)': '未安装 lsblk（util-linux）',
  '`{command}` exited with {code}: {stderr}': '`{command}` 退出码为 {code}：{stderr}',
  'cannot read the output of `{command}`: {reason}': '无法读取 `{command}` 的输出：{reason}',
  'systemd-detect-virt is not installed and /proc/1 is not readable': '未安装 systemd-detect-virt，且 /proc/1 不可读',
  'the EFI variables are not readable (is efivarfs mounted on /sys/firmware/efi/efivars?)':
    'EFI 变量不可读（efivarfs 是否已挂载到 /sys/firmware/efi/efivars？）',
  'neither /etc/os-release nor /usr/lib/os-release is readable': '/etc/os-release 和 /usr/lib/os-release 都不可读',
  '/proc/sys/kernel/osrelease is not readable': '/proc/sys/kernel/osrelease 不可读',
  '`uname -m` gave no answer': '`uname -m` 没有输出',
  '/proc/sys/kernel/hostname is not readable': '/proc/sys/kernel/hostname 不可读',
  '/proc/meminfo is not readable': '/proc/meminfo 不可读',
  '/proc/cmdline is not readable': '/proc/cmdline 不可读',
  'cannot list block devices ({reason}): name the disk to install to with --disk':
    '无法列出块设备（{reason}）：请用 --disk 指定要安装到的磁盘',
  'getconf is not installed': '未安装 getconf',
  '`{command}` gave no glibc version (musl libc?)': '`{command}` 没有给出 glibc 版本（是 musl libc 吗？）',
  'no kernel config found (/boot/config-{release}, /proc/config.gz)': '找不到内核配置（/boot/config-{release}、/proc/config.gz）',
  '/sys/kernel/security/lockdown is not readable (securityfs not mounted?)': '/sys/kernel/security/lockdown 不可读（securityfs 未挂载？）',
  'unrecognised /sys/kernel/security/lockdown: {text}': '无法识别的 /sys/kernel/security/lockdown：{text}',
  'systemd-detect-virt is not installed': '未安装 systemd-detect-virt',
  'df is not installed': '未安装 df',

  // --- / 所在的磁盘 -----------------------------------------------------------------------------
  'choose the disk to install NestOS on with --disk /dev/disk/by-id/<name>{more}':
    '请用 --disk /dev/disk/by-id/<名称> 选择安装 NestOS 的磁盘{more}',
  'md RAID': 'md RAID',
  'no block device is mounted at / and /proc/mounts is not readable': '没有块设备挂载在 /，且 /proc/mounts 不可读',
  '/ is mounted over the network ({fsType} {source}), not from a local disk': '/ 是通过网络挂载的（{fsType} {source}），不在本地磁盘上',
  '/ is {source} ({fsType}), not a filesystem on a local disk': '/ 是 {source}（{fsType}），不是本地磁盘上的文件系统',
  '/ is on /dev/{name}, a virtual block device, not a physical disk: {remedy}':
    '/ 位于 /dev/{name}，这是虚拟块设备，不是物理磁盘：{remedy}',
  '/ is on the multipath device {path}, reached over {count} path(s){candidates}; the live system does not assemble multipath, so the same disk could be written through one path while another is in use: {remedy}':
    '/ 位于多路径设备 {path} 上，共有 {count} 条路径{candidates}；live 系统不会组装多路径，可能经一条路径写入同一磁盘时另一条路径仍在使用：{remedy}',
  ' of one path, or convert from a host without multipath': '（选择其中一条路径），或在没有多路径的主机上转换',
  '/ is on /dev/{name}, a {transport} disk reached over the network; the live system would not log in to it: {remedy}':
    '/ 位于 /dev/{name}，这是通过网络访问的 {transport} 磁盘；live 系统不会登录它：{remedy}',
  'a filesystem spanning them': '跨越它们的文件系统',
  '/ spans {count} disks through {through}{candidates}; x2nestos will not guess which one to overwrite: {remedy}':
    '/ 通过 {through} 跨越 {count} 块磁盘{candidates}；x2nestos 不会猜测该覆盖哪一块：{remedy}',
  '/ is on /dev/{name}, which is not a disk NestOS can be installed on (type {type}): {remedy}':
    '/ 位于 /dev/{name}，它不是可以安装 NestOS 的磁盘（类型 {type}）：{remedy}',

  // --- SSH 密钥与主机身份 -----------------------------------------------------------------------
  "ssh key for {user}: {fingerprint} ({type}, from {owner}'s {source})":
    '用户 {user} 的 SSH 密钥：{fingerprint}（{type}，来自 {owner} 的 {source}）',
  '/etc/hostname = {hostname}': '/etc/hostname = {hostname}',
  'unit {unit}: logs at the first boot how this system was installed (journalctl -t {identifier})':
    '单元 {unit}：首次启动时在日志中记录本系统的安装经过（journalctl -t {identifier}）',
  'SSH host keys: {types}': 'SSH 主机密钥：{types}',
  'SSH host keys not carried, the config writes its own: {types}': '未沿用 SSH 主机密钥，配置中已写入自己的：{types}',
  '{name} may use sudo but has no account here': '{name} 可以使用 sudo，但本机没有这个账户',
  '{name}: skipped, login shell is {shell}': '{name}：已跳过，登录 shell 为 {shell}',
  '{where}: not carried: {problem}': '{where}：未沿用：{problem}',
  '{where}: not carried: {fingerprint} is {restriction}': '{where}：未沿用：{fingerprint} 是{restriction}',
  '{name}: {file} not read: runuser is not installed': '{name}：未读取 {file}：未安装 runuser',
  '{name} may not read it': '{name} 无权读取它',
  '{name}: {file} not read: {why}': '{name}：未读取 {file}：{why}',
  '{name}: {file} not carried: sshd ignores it (StrictModes: {insecure})':
    '{name}：未沿用 {file}：sshd 会忽略它（StrictModes：{insecure}）',
  '{name}: AuthorizedKeysCommand not run: no AuthorizedKeysCommandUser, so sshd does not run it either':
    '{name}：未运行 AuthorizedKeysCommand：没有 AuthorizedKeysCommandUser，sshd 也不会运行它',
  '{name}: AuthorizedKeysCommand {command} failed (exit {code}); its keys are not carried':
    '{name}：AuthorizedKeysCommand {command} 执行失败（退出码 {code}）；不沿用其给出的密钥',
  "{fallback}: looking for keys in sshd's default places (~/.ssh/authorized_keys, ~/.ssh/authorized_keys2)":
    '{fallback}：在 sshd 的默认位置（~/.ssh/authorized_keys、~/.ssh/authorized_keys2）中查找密钥',
  '{name}: keys not carried: {refusal}': '{name}：未沿用密钥：{refusal}',
  '{fallback}: taking the host keys from /etc/ssh/ssh_host_*_key': '{fallback}：从 /etc/ssh/ssh_host_*_key 获取主机密钥',
  'host key {source} not carried: {why}': '主机密钥 {source} 未沿用：{why}',
  'cannot be read': '无法读取',
  'not a private key file': '不是私钥文件',
  'host key {source}: its .pub belongs to another key and is left behind': '主机密钥 {source}：其 .pub 属于另一个密钥，不予沿用',
  'unknown key type': '未知的密钥类型',
  "NestOS's sshd does not use {type} host keys": 'NestOS 的 sshd 不使用 {type} 主机密钥',
  'host key {source} not carried: an earlier {type} host key takes its place':
    '主机密钥 {source} 未沿用：已由前面的一个 {type} 主机密钥代替',
  'host key {type} {fingerprint} from {source}{dest}': '主机密钥 {type} {fingerprint}，来自 {source}{dest}',
  ' (as {dest})': '（作为 {dest}）',
  'host key {type} from {source}: no {name}.pub beside it; sshd reads the public half from the private key':
    '主机密钥 {type}，来自 {source}：旁边没有 {name}.pub；sshd 会从私钥中读出公钥部分',
  'malformed key options': '密钥选项格式有误',
  'key option {name} has an unquoted value': '密钥选项 {name} 的值没有加引号',
  'unterminated quote in the key options': '密钥选项中的引号没有闭合',
  'a certificate authority, not a login key (NestOS would need TrustedUserCAKeys)':
    '证书颁发机构密钥，而不是登录密钥（NestOS 需要 TrustedUserCAKeys）',
  'a restricted key ({options}): without its options it would give more access than it has now':
    '受限密钥（{options}）：去掉这些选项后，它获得的权限会比现在更多',
  '`sshd -T` failed (exit {code}{why})': '`sshd -T` 执行失败（退出码 {code}{why}）',
  'sshd does not accept public keys for this user (PubkeyAuthentication no)': 'sshd 不接受此用户的公钥（PubkeyAuthentication no）',
  'sshd refuses root logins (PermitRootLogin no)': 'sshd 拒绝 root 登录（PermitRootLogin no）',
  'sshd lets root in only with forced-command keys (PermitRootLogin forced-commands-only), and those are not carried':
    'sshd 只允许 root 用强制命令密钥登录（PermitRootLogin forced-commands-only），而这类密钥不予沿用',
  'sshd denies this user (DenyUsers {deny})': 'sshd 拒绝此用户（DenyUsers {deny}）',
  'sshd does not allow this user (AllowUsers)': 'sshd 不允许此用户（AllowUsers）',
  'sshd allows this user only from some addresses (AllowUsers {allow})': 'sshd 只允许此用户从部分地址登录（AllowUsers {allow}）',
  "the user's groups could not be read to check AllowGroups/DenyGroups": '无法读取该用户所属的组，因而无法检查 AllowGroups/DenyGroups',
  "sshd denies this user's group (DenyGroups {deny})": 'sshd 拒绝此用户所在的组（DenyGroups {deny}）',
  "sshd does not allow any of this user's groups (AllowGroups)": 'sshd 不允许此用户所在的任何组（AllowGroups）',
  'AuthorizedKeysFile {entry} uses {token}, which sshd does not know': 'AuthorizedKeysFile {entry} 使用了 sshd 不认识的 {token}',
  'the connection': '连接',
  'the routing domain': '路由域',
  'an offered key': '提供的密钥',
  'AuthorizedKeysCommand {command} cannot be split into arguments': 'AuthorizedKeysCommand {command} 无法拆分成参数',
  'AuthorizedKeysCommand {command} is not an absolute path, so sshd does not run it':
    'AuthorizedKeysCommand {command} 不是绝对路径，sshd 不会运行它',
  'AuthorizedKeysCommand needs %{token} ({what}), so its keys cannot be listed ahead of a login':
    'AuthorizedKeysCommand 需要 %{token}（{what}），因此无法在登录前列出它的密钥',
  'AuthorizedKeysCommand uses {token}, which sshd does not know': 'AuthorizedKeysCommand 使用了 sshd 不认识的 {token}',
  'cannot resolve {file} to check its ownership and modes': '无法解析 {file}，因而无法检查其属主和权限',
  'cannot read the ownership and modes of {file}': '无法读取 {file} 的属主和权限',
  'regular file': '普通文件',
  'regular empty file': '空的普通文件',
  '{file} is not a regular file': '{file} 不是普通文件',
  'bad ownership or modes for file {file}': '文件 {file} 的属主或权限不当',
  'bad ownership or modes for directory {dir}': '目录 {dir} 的属主或权限不当',
  '{path}: User_Alias not evaluated; members of aliases are not looked at for SSH keys':
    '{path}：未解析 User_Alias；别名中的成员不会被查找 SSH 密钥',
  '{path}: sudo rule for ALL users; only root and named sudoers are looked at for SSH keys':
    '{path}：存在针对 ALL 用户的 sudo 规则；只查找 root 和明确列出的 sudo 用户的 SSH 密钥',
  '{path}: sudoers entry "{who}" not evaluated (non-Unix group, gid/uid, netgroup or negation)':
    '{path}：未解析 sudoers 条目 "{who}"（非 Unix 组、gid/uid、netgroup 或取反）',
  '{path}: sudoers alias {who} not evaluated': '{path}：未解析 sudoers 别名 {who}',

  // --- Ignition ---------------------------------------------------------------------------------
  'user "{user}", sshAuthorizedKeys[{index}]: {reason}': '用户 "{user}"，sshAuthorizedKeys[{index}]：{reason}',
  'the Ignition config gives no user an SSH key that can be checked; keys may come from {where}, which is only read at first boot':
    'Ignition 配置没有为任何用户提供可检查的 SSH 密钥；密钥可能来自 {where}，而它只在首次启动时才读取',
  'put the key for user "nest" in the config itself, use --inherit-ssh-keys, or pass --allow-no-ssh-key if that config does provide one':
    '请把用户 "nest" 的密钥直接写进配置，或使用 --inherit-ssh-keys；如果该配置确实会提供密钥，请加 --allow-no-ssh-key',
  'the Ignition config gives no user a usable SSH key, so nobody could log in to NestOS over SSH':
    'Ignition 配置没有为任何用户提供可用的 SSH 密钥，因而无人能通过 SSH 登录 NestOS',
  'add passwd.users[].sshAuthorizedKeys for user "nest", use --inherit-ssh-keys, or pass --allow-no-ssh-key':
    '请为用户 "nest" 添加 passwd.users[].sshAuthorizedKeys，或使用 --inherit-ssh-keys，或加 --allow-no-ssh-key',
  'not checked: {what}': '未检查：{what}',
  'cannot add SSH keys, files or units to an Ignition config that is not valid': '无法向无效的 Ignition 配置中添加 SSH 密钥、文件或单元',
  'fix the errors reported for --ignition first': '请先修正 --ignition 报告的错误',
  'DSA keys are refused by the OpenSSH in NestOS': 'NestOS 中的 OpenSSH 不接受 DSA 密钥',
  'a certificate does not authorize a login here (use cert-authority with the CA key)':
    '证书不能用于在此登录（请对 CA 密钥使用 cert-authority）',
  'not an OpenSSH public key (unknown key type)': '不是 OpenSSH 公钥（未知的密钥类型）',
  'the {type} key data is not base64': '{type} 密钥数据不是 base64',
  'the key data is not a {type} key': '密钥数据不是 {type} 密钥',
  'the ed25519 public key is not 32 bytes': 'ed25519 公钥不是 32 字节',
  'the RSA key has {bits} bits, OpenSSH requires at least {min}': 'RSA 密钥只有 {bits} 位，OpenSSH 要求至少 {min} 位',
  'the {curve} public point is malformed': '{curve} 公钥点格式有误',
  'the {type} key data is truncated': '{type} 密钥数据不完整',
  'the {type} key data has trailing bytes': '{type} 密钥数据末尾有多余字节',
  '--ignition {given}: only a file path or an http(s) URL is supported': '--ignition {given}：只支持文件路径或 http(s) URL',
  'download the config and pass the file to --ignition': '请先下载该配置，再把文件传给 --ignition',
  'refusing to fetch the Ignition config over plain HTTP ({source}): anyone on the path could change it':
    '拒绝通过明文 HTTP 获取 Ignition 配置（{source}）：传输路径上的任何人都能篡改它',
  'serve it over https, pass a local file to --ignition, or add --allow-http-ignition':
    '请改用 https 提供，或把本地文件传给 --ignition，或加 --allow-http-ignition',
  'the Ignition config from {source} is larger than {max} MiB': '来自 {source} 的 Ignition 配置超过了 {max} MiB',
  'pass the Ignition config itself to --ignition (large files belong behind URLs inside it)':
    '请把 Ignition 配置本身传给 --ignition（大文件应在配置中以 URL 引用）',
  'does not exist': '不存在',
  'is a directory': '是一个目录',
  'is not readable': '不可读',
  'the Ignition config file {path} {why}': 'Ignition 配置文件 {path} {why}',
  'pass the path of a readable Ignition config file to --ignition': '请把可读的 Ignition 配置文件路径传给 --ignition',
  'could not fetch the Ignition config from {source}: {why}': '无法从 {source} 获取 Ignition 配置：{why}',
  'check the URL and the network (the proxy variables are honoured), or pass a local file to --ignition':
    '请检查 URL 和网络（会使用代理环境变量），或把本地文件传给 --ignition',
  '{source}, redirected to {url}': '{source}，被重定向到 {url}',
  'the download broke off: {reason}': '下载中断：{reason}',
  'live Ignition file {path}: {problem}': 'live Ignition 文件 {path}：{problem}',
  'live Ignition file {path} is listed twice': 'live Ignition 文件 {path} 出现了两次',
  'live Ignition file {path}: mode {mode} is not a permission mode': 'live Ignition 文件 {path}：{mode} 不是有效的权限模式',

  // --- 网络 -------------------------------------------------------------------------------------
  'created at run time by a container or VM runtime (Docker, libvirt, CNI, ...), not by the network configuration':
    '由容器或虚拟机运行时（Docker、libvirt、CNI 等）在运行时创建，而不是来自网络配置',
  'WireGuard keys and peers are not read; recreate the tunnel on NestOS with --network-keyfile or an Ignition config':
    '不读取 WireGuard 的密钥和对端；请在 NestOS 上用 --network-keyfile 或 Ignition 配置重建隧道',
  'a tun/tap device belongs to the program that opened it (a VPN, a VM), not to the network configuration':
    'tun/tap 设备属于打开它的程序（VPN、虚拟机），而不属于网络配置',
  'teamd configuration is not read; describe it as a bond with --network-keyfile':
    '不读取 teamd 配置；请用 --network-keyfile 以 bond 的方式描述',
  'Wi-Fi networks and their secrets are not carried': '不沿用 Wi-Fi 网络及其密码',
  '{kind} interfaces are not rendered (x2nestos carries ethernet, bond, VLAN and bridge interfaces)':
    '不生成 {kind} 接口的配置（x2nestos 沿用以太网、bond、VLAN 和网桥接口）',
  '{type} links are not rendered (x2nestos carries ethernet, bond, VLAN and bridge interfaces)':
    '不生成 {type} 链路的配置（x2nestos 沿用以太网、bond、VLAN 和网桥接口）',
  'only unicast routes are rendered; add it with --network-keyfile': '只生成单播路由；请用 --network-keyfile 添加',
  'multipath route {destination}': '多路径路由 {destination}',
  'ECMP routes are not rendered; add it with --network-keyfile': '不生成 ECMP 路由；请用 --network-keyfile 添加',
  'iproute2 (`ip`) is not installed': '未安装 iproute2（`ip`）',
  '`{command}` gave no JSON (iproute2 older than 4.14?): {output}': '`{command}` 没有输出 JSON（iproute2 早于 4.14？）：{output}',
  'no output': '无输出',
  'the network configuration': '网络配置',
  '{why}; pass --network dhcp or --network-keyfile': '{why}；请使用 --network dhcp 或 --network-keyfile',
  'its parent {link} is not carried: {why}': '其上级接口 {link} 未沿用：{why}',
  'the declared network configuration': '声明的网络配置',
  'it could not be read ({reason}); runtime state decides DHCP or static': '无法读取（{reason}）；由运行时状态判断是 DHCP 还是静态地址',
  'SLAAC address {address} on {name}': '{name} 上的 SLAAC 地址 {address}',
  'it is derived from a secret of this host (stable privacy): NestOS derives another address in the same prefix':
    '它由本机的一个密钥派生（stable privacy）：NestOS 会在同一前缀内派生出另一个地址',
  'it has no [connection] section': '没有 [connection] 节',
  'its [connection] section names no type=': '其 [connection] 节中没有 type=',
  'line "{line}" is not key=value': '行 "{line}" 不是 key=value 格式',
  '--network-keyfile {name} is not a NetworkManager keyfile: {problem}': '--network-keyfile {name} 不是 NetworkManager keyfile：{problem}',
  'pass a file as `nmcli --offline connection add ...` writes it (see nm-settings-keyfile(5))':
    '请传入与 `nmcli --offline connection add ...` 生成的格式相同的文件（参见 nm-settings-keyfile(5)）',
  '--network-keyfile {path} cannot be read': '无法读取 --network-keyfile {path}',
  'check the path and its permissions': '请检查路径及其权限',
  '--network none and --network-keyfile contradict each other': '--network none 与 --network-keyfile 相互矛盾',
  'drop --network none to embed your keyfiles, or drop --network-keyfile':
    '要嵌入你的 keyfile，请去掉 --network none；否则请去掉 --network-keyfile',
  '--network none: no network configuration is carried; NestOS starts with NetworkManager defaults (DHCP on every NIC)':
    '--network none：不沿用任何网络配置；NestOS 将使用 NetworkManager 的默认设置启动（每块网卡都用 DHCP）',
  '--network-keyfile is given two files named {name}': '--network-keyfile 给出了两个同名文件 {name}',
  'rename one of them': '请重命名其中一个',
  '{count} keyfile(s) from --network-keyfile replace the configuration measured on this host':
    '--network-keyfile 给出的 {count} 个 keyfile 取代了在本机测得的配置',
  'no interface holds the default route: nothing to pin DHCP to; NestOS uses DHCP on every NIC':
    '没有接口持有默认路由：无法把 DHCP 固定到某块网卡；NestOS 将在每块网卡上使用 DHCP',
  'no interface to carry: NestOS starts with NetworkManager defaults (DHCP on every NIC)':
    '没有需要沿用的接口：NestOS 将使用 NetworkManager 的默认设置启动（每块网卡都用 DHCP）',
  '--network dhcp: DHCP on {interface} only (pinned by MAC); addresses, routes and DNS of this host are not kept':
    '--network dhcp：只在 {interface} 上使用 DHCP（按 MAC 绑定）；不保留本机的地址、路由和 DNS',
  'not carried: DNS server {server} — no carried interface has its address family enabled':
    '未沿用：DNS 服务器 {server}——沿用的接口中没有一个启用了它的地址族',
  'not carried: {what} — {why}': '未沿用：{what}——{why}',
  'DNS via the systemd-resolved stub ({servers})': '经由 systemd-resolved 存根解析的 DNS（{servers}）',
  '{file} is missing, so the upstream servers are unknown; NestOS keeps only what DHCP or --network-keyfile gives it':
    '缺少 {file}，因此不知道上游服务器；NestOS 只保留 DHCP 或 --network-keyfile 提供的 DNS',
  'DNS server {server}': 'DNS 服务器 {server}',
  'it is a resolver running on this host (dnsmasq, unbound, ...), which NestOS does not have':
    '它是运行在本机上的解析服务（dnsmasq、unbound 等），NestOS 上没有',
  'link-scoped DNS servers cannot be written to a NetworkManager keyfile': '链路范围的 DNS 服务器无法写入 NetworkManager keyfile',

  // --- 计划：kexec、内存、目标磁盘、工作目录 ---------------------------------------------------
  'kexec is disabled on this kernel until the next boot (kernel.kexec_load_disabled = 1)':
    '此内核在下次启动前禁用了 kexec（kernel.kexec_load_disabled = 1）',
  'find what sets the sysctl (grep -r kexec_load_disabled /etc/sysctl*), remove it, reboot, and run x2nestos again':
    '请找出设置该 sysctl 的地方（grep -r kexec_load_disabled /etc/sysctl*），删除后重启，再运行 x2nestos',
  'this kernel ({release}) was built without kexec support': '此内核（{release}）编译时未包含 kexec 支持',
  "boot a kernel with CONFIG_KEXEC or CONFIG_KEXEC_FILE (the distribution's default kernel has it)":
    '请启动带 CONFIG_KEXEC 或 CONFIG_KEXEC_FILE 的内核（发行版的默认内核都带有）',
  'kernel lockdown ({mode}) forbids kexec_load and this kernel has no kexec_file_load':
    '内核锁定（{mode}）禁止 kexec_load，而此内核没有 kexec_file_load',
  'disable Secure Boot in the firmware setup (or boot with lockdown=none where allowed) and run again':
    '请在固件设置中关闭安全启动（或在允许时以 lockdown=none 启动），然后重新运行',
  'kernel lockdown ({mode}{secureBoot}): only a NestOS kernel signed with a key this kernel trusts can be loaded; if the load is refused, disable Secure Boot':
    '内核锁定（{mode}{secureBoot}）：只能加载由此内核信任的密钥签名的 NestOS 内核；若加载被拒绝，请关闭安全启动',
  ', Secure Boot on': '，安全启动已开启',
  'a kexec kernel is already loaded; it will be replaced': '已经加载了一个 kexec 内核；它将被替换',
  '--rootfs-mode url needs the rootfs at an http(s) URL the live system can fetch':
    '--rootfs-mode url 要求 rootfs 位于 live 系统可以获取的 http(s) URL',
  'use a stream, --release-url or --rootfs URL, or --rootfs-mode append':
    '请使用发布流、--release-url 或 --rootfs URL，或改用 --rootfs-mode append',
  'artifact sizes are not known yet: the memory check runs again after the download': '尚不知道文件大小：下载后会再次检查内存',
  'sizes unknown before download': '下载前大小未知',
  '--rootfs-mode {mode}': '--rootfs-mode {mode}',
  'appended rootfs fits: needs {needs} of {total}': '追加 rootfs 可行：需要 {needs}，共有 {total}',
  'appended rootfs needs {needs} but only {total} is installed; fetching it by URL needs {urlNeeds}':
    '追加 rootfs 需要 {needs}，但只装有 {total}；通过 URL 获取需要 {urlNeeds}',
  'nothing fits': '两种方式内存都不够',
  'even by URL it needs {needs}': '即使通过 URL 获取也需要 {needs}',
  'by URL it would need {needs} but the rootfs is not at an http(s) URL': '通过 URL 获取需要 {needs}，但 rootfs 不在 http(s) URL 上',
  'not enough memory for the live installer: {needs} needed with the rootfs {mode}, {total} installed ({hint})':
    'live 安装程序的内存不够：rootfs {mode}时需要 {needs}，本机装有 {total}（{hint}）',
  'add RAM, or use a stream/--release-url source so the rootfs can be fetched by URL, or pass --skip-memory-check at your own risk':
    '请增加内存，或使用发布流 / --release-url 来源以便通过 URL 获取 rootfs，或自担风险加 --skip-memory-check',
  'not enough free memory to load the live system: {needs} needed, {available} available':
    '可用内存不足以加载 live 系统：需要 {needs}，可用 {available}',
  'stop memory-hungry services first, or pass --skip-memory-check at your own risk':
    '请先停止占用内存较多的服务，或自担风险加 --skip-memory-check',
  'memory check skipped (--skip-memory-check)': '已跳过内存检查（--skip-memory-check）',
  'no Ignition config given': '没有给出 Ignition 配置',
  'pass --ignition URL|FILE (the config NestOS will boot with)': '请用 --ignition URL|FILE 给出（NestOS 启动时使用的配置）',
  'the release is for {arch} but this host is {host}': '该版本适用于 {arch}，但本机是 {host}',
  'drop --arch or pass --arch {arch}': '请去掉 --arch，或用 --arch {arch}',
  'not carried: {what} ({why})': '未沿用：{what}（{why}）',
  'the live system brings up {iface}: this host reaches {host} through it, not through the default route':
    'live 系统将启用 {iface}：本机经由它而非默认路由访问 {host}',
  'running inside a container ({container}); kexec needs the host itself': '正在容器（{container}）中运行；kexec 需要在主机本身上运行',
  'run x2nestos on the host, not in a container': '请在主机上而不是容器中运行 x2nestos',
  'converting needs root': '转换需要 root 权限',
  'run it with sudo': '请用 sudo 运行',
  'not running as root: some facts may be incomplete, and converting needs root':
    '未以 root 运行：部分信息可能不完整，而且转换需要 root 权限',
  'unsupported distribution {id} {version}': '不支持的发行版 {id} {version}',
  'x2nestos supports yum/dnf and apt hosts (openEuler, CentOS/RHEL family, Kylin, Debian, Ubuntu, ...)':
    'x2nestos 支持 yum/dnf 和 apt 主机（openEuler、CentOS/RHEL 系列、麒麟、Debian、Ubuntu 等）',
  'NestOS is built for x86_64 and aarch64, not {arch}': 'NestOS 只有 x86_64 和 aarch64 版本，没有 {arch}',
  'convert an x86_64 or aarch64 machine': '请转换 x86_64 或 aarch64 机器',
  'download and verify the live kernel, initramfs and rootfs into {dir}': '把 live 内核、initramfs 和 rootfs 下载并校验到 {dir}',
  'check that the initramfs and the rootfs come from the same build': '检查 initramfs 与 rootfs 是否来自同一构建版本',
  'install kexec-tools: {commands}': '安装 kexec-tools：{commands}',
  '--kexec {path}: no such file': '--kexec {path}：文件不存在',
  'name an installed kexec binary, or drop --kexec': '请指定一个已安装的 kexec 程序，或去掉 --kexec',
  '--kexec {path} does not run as kexec (`{path} --version` failed or did not name kexec-tools)':
    '--kexec {path} 不能作为 kexec 运行（`{path} --version` 失败或没有报出 kexec-tools）',
  'name an executable kexec from kexec-tools, or drop --kexec': '请指定 kexec-tools 中可执行的 kexec，或去掉 --kexec',
  'named with --kexec; it answers "{version}"': '由 --kexec 指定；其版本为“{version}”',
  '--kexec-from-packages and --skip-package-install contradict each other': '--kexec-from-packages 与 --skip-package-install 互相矛盾',
  'drop one of them': '请去掉其中一个',
  'kexec-tools is installed on this host': '本机已安装 kexec-tools',
  'kexec-tools is not installed and this host has no package manager x2nestos can use':
    '本机未安装 kexec-tools，也没有 x2nestos 能用的软件包管理器',
  'drop --kexec-from-packages to use the kexec carried in x2nestos, or install kexec-tools yourself':
    '去掉 --kexec-from-packages 以使用 x2nestos 自带的 kexec，或自行安装 kexec-tools',
  '--kexec-from-packages: kexec-tools will be installed with {tool}': '--kexec-from-packages：将用 {tool} 安装 kexec-tools',
  "this host has no kexec-tools; the kexec carried in x2nestos needs no package manager (--kexec-from-packages installs the distribution's instead)":
    '本机没有 kexec-tools；x2nestos 自带的 kexec 不需要软件包管理器（--kexec-from-packages 改为安装发行版的）',
  'kexec-tools is not installed, and this x2nestos carries no kexec (it runs from the bundle, not from a release file)':
    '未安装 kexec-tools，而此 x2nestos 没有自带 kexec（它是从 bundle 运行的，不是发布文件）',
  'run the release file (x2nestos-linux-<arch>), install kexec-tools, or pass --kexec PATH':
    '请运行发布文件（x2nestos-linux-<arch>）、安装 kexec-tools，或传入 --kexec PATH',
  'this x2nestos runs from the bundle and carries no kexec: kexec-tools will be installed with {tool}':
    '此 x2nestos 从 bundle 运行，没有自带 kexec：将用 {tool} 安装 kexec-tools',
  'no usable kexec (see the blockers)': '没有可用的 kexec（见阻碍项）',
  'use the kexec carried in x2nestos, no package install: {path}': '使用 x2nestos 自带的 kexec，不安装软件包：{path}',
  'use the kexec named with --kexec: {path}': '使用 --kexec 指定的 kexec：{path}',
  'build the payload: live Ignition config, installer config, destination Ignition config, network keyfiles':
    '生成附加内容：live Ignition 配置、安装程序配置、目标系统 Ignition 配置、网络 keyfile',
  'combine initramfs + rootfs + payload into one initrd': '把 initramfs、rootfs 和附加内容合并成一个 initrd',
  'combine initramfs + payload; the live system fetches the rootfs by URL': '合并 initramfs 和附加内容；live 系统通过 URL 获取 rootfs',
  'load the live kernel with {method}': '用 {method} 加载 live 内核',
  'kexec_load (kexec -l)': 'kexec_load（kexec -l）',
  'kexec_file_load (kexec -s)': 'kexec_file_load（kexec -s）',
  'kexec_file_load, falling back to kexec_load': 'kexec_file_load，不行时改用 kexec_load',
  'switch with `systemctl kexec` (systemd stops the services and unmounts the filesystems first)':
    '用 `systemctl kexec` 切换（systemd 先停止各服务并卸载文件系统）',
  'sync, then switch with `{command}`: {reason}': '先 sync，再用 `{command}` 切换：{reason}',
  'sync, remount the other filesystems read-only, sync again, then switch with `kexec -e`':
    '先 sync，把其他文件系统重新挂载为只读，再 sync 一次，然后用 `kexec -e` 切换',
  'systemd stops the services, unmounts the filesystems and executes the loaded kernel':
    'systemd 停止各服务、卸载文件系统并执行已加载的内核',
  'sysvinit reboots cleanly and {script} executes the loaded kernel in runlevel 6, after the filesystems are unmounted':
    'sysvinit 正常重启，并在文件系统卸载后由运行级别 6 中的 {script} 执行已加载的内核',
  'no init system here executes a loaded kernel at reboot: x2nestos syncs, remounts the other filesystems read-only and executes it':
    '本机没有会在重启时执行已加载内核的 init 系统：x2nestos 先 sync，把其他文件系统重新挂载为只读，再自行执行该内核',
  'stop; `x2nestos reboot` switches later, `x2nestos abort` unloads': '到此为止；稍后用 `x2nestos reboot` 切换，或用 `x2nestos abort` 卸载',
  'the live installer writes NestOS to {disk} and reboots into it through the firmware':
    'live 安装程序把 NestOS 写入 {disk}，然后经固件重启进入 NestOS',
  'no disk {disk} on this host (disks: {known})': '本机没有磁盘 {disk}（现有磁盘：{known}）',
  'pass --disk with one of those': '请用 --disk 指定其中之一',
  'name the target with --disk': '请用 --disk 指定目标磁盘',
  'the disk behind / is not among the disks lsblk reports': '/ 所在的磁盘不在 lsblk 报告的磁盘之中',
  '{path} has no stable name in /dev/disk/by-id or /dev/disk/by-path, and kernel names can change under the live kernel':
    '{path} 在 /dev/disk/by-id 和 /dev/disk/by-path 中都没有稳定名称，而内核设备名在 live 内核下可能改变',
  'give the disk a serial or WWN (hypervisor setting), or pass --disk /dev/disk/by-path/... if udev provides one':
    '请给磁盘设置序列号或 WWN（虚拟化平台设置），或在 udev 提供时用 --disk /dev/disk/by-path/... 指定',
  '{path} is removable': '{path} 是可移动磁盘',
  'pick a fixed disk with --disk, or pass --allow-removable-disk': '请用 --disk 选择固定磁盘，或加 --allow-removable-disk',
  '{path} is read-only': '{path} 是只读的',
  'pick a writable disk with --disk': '请用 --disk 选择可写的磁盘',
  '{path} has {size}; NestOS needs at least {min}': '{path} 只有 {size}；NestOS 至少需要 {min}',
  'pick a larger disk with --disk': '请用 --disk 选择更大的磁盘',
  '{path} is in use (mounted at {mountpoints})': '{path} 正在使用中（挂载于 {mountpoints}）',
  '{path} lists no block devices (is /sys mounted?)': '{path} 中没有任何块设备（/sys 是否已挂载？）',
  '/proc/self/mountinfo is not readable (is /proc mounted?)': '无法读取 /proc/self/mountinfo（/proc 是否已挂载？）',
  '{device} ({fsType} on {where}) is labelled "{label}", the label NestOS finds its own {name} filesystem by: the converted server would stop at its first boot':
    '{device}（{fsType}，位于 {where}）的标签是 "{label}"，而 NestOS 正是按这个标签查找自己的 {name} 文件系统：转换后的服务器会在首次启动时停止',
  filesystem: '文件系统',
  'a partition kept on {device}': '{device} 上保留的分区',
  'rename it ({command}) and run again': '请为它改名（{command}）后重新运行',
  'give it another label and run again': '请给它换一个标签后重新运行',
  'do not keep that partition': '不要保留该分区',
  'convert that disk instead (--disk {disk})': '改为转换那块磁盘（--disk {disk}）',
  'e2label {device} <new-label>': 'e2label {device} <新标签>',
  'xfs_admin -L <new-label> {device} (unmounted)': 'xfs_admin -L <新标签> {device}（需先卸载）',
  'fatlabel {device} <NEW-LABEL>': 'fatlabel {device} <新标签（大写）>',
  'btrfs filesystem label {device} <new-label>': 'btrfs filesystem label {device} <新标签>',
  'swaplabel -L <new-label> {device}': 'swaplabel -L <新标签> {device}',
  'unmount it first, or pick another disk with --disk': '请先卸载它，或用 --disk 选择其他磁盘',
  '--save-partlabel {glob} matches no partition on {path}': '--save-partlabel {glob} 与 {path} 上的任何分区都不匹配',
  'check the labels with `lsblk -o NAME,PARTLABEL`': '请用 `lsblk -o NAME,PARTLABEL` 查看分区标签',
  '--save-partindex {range} matches no partition on {path}': '--save-partindex {range} 与 {path} 上的任何分区都不匹配',
  'check the numbers with `lsblk`': '请用 `lsblk` 查看分区编号',
  "partition {number} of {path} ({matchedBy}) lies where NestOS's own partitions go (numbers 1-4, first {size})":
    '{path} 的分区 {number}（{matchedBy}）位于 NestOS 自身分区所在的位置（编号 1-4，前 {size}）',
  'only partitions numbered 5 or higher that start beyond that can be kept; back the data up instead':
    '只有编号不小于 5 且起始位置在此之后的分区才能保留；请改为备份数据',
  'the work directory {dir} is on {fsType}, which keeps the downloads in the RAM the live system needs':
    '工作目录 {dir} 位于 {fsType} 上，下载的文件会占用 live 系统所需的内存',
  'pass --work-dir on a disk-backed filesystem (the default is /var/lib/x2nestos), or --allow-tmpfs-work-dir':
    '请用 --work-dir 指定位于磁盘上的文件系统（默认为 /var/lib/x2nestos），或加 --allow-tmpfs-work-dir',
  'not enough space for {dir}: {needed} needed, {free} free': '{dir} 空间不足：需要 {needed}，可用 {free}',
  'free space there or pass --work-dir on a filesystem with more room': '请在那里腾出空间，或用 --work-dir 指定空间更大的文件系统',
  'this host boots through BIOS: there is no boot menu in NVRAM to change': '本机以 BIOS 方式启动：NVRAM 中没有需要修改的启动菜单',
  'after the install, the live system adds "{label}" ({loader} on the new ESP) first in BootOrder; no entry points at the destination disk now':
    '安装完成后，live 系统把 "{label}"（新 ESP 上的 {loader}）加到 BootOrder 的最前面；目前没有启动项指向目标磁盘',
  'after the install, the live system adds "{label}" ({loader} on the new ESP) first in BootOrder and moves {names}, which point at the destination disk, last (--keep-boot-entries)':
    '安装完成后，live 系统把 "{label}"（新 ESP 上的 {loader}）加到 BootOrder 的最前面，并把指向目标磁盘的 {names} 移到最后（--keep-boot-entries）',
  'after the install, the live system adds "{label}" ({loader} on the new ESP) first in BootOrder and removes {names}, which point at the destination disk':
    '安装完成后，live 系统把 "{label}"（新 ESP 上的 {loader}）加到 BootOrder 的最前面，并删除指向目标磁盘的 {names}',
  'the EFI boot variables are not readable here (efivarfs not mounted?): the plan cannot list the boot entries; the live system still adds NestOS first in BootOrder':
    '此处无法读取 EFI 启动变量（efivarfs 未挂载？）：计划无法列出启动项；live 系统仍会把 NestOS 加到 BootOrder 的最前面',
  'the partition GUIDs of {disk} are unknown (no /dev/disk/by-partuuid links): old boot entries on it cannot be recognised and stay in the boot menu, after NestOS':
    '{disk} 的分区 GUID 未知（没有 /dev/disk/by-partuuid 链接）：无法识别其上的旧启动项，它们将留在启动菜单中、排在 NestOS 之后',
  'UEFI boot menu: {reason}': 'UEFI 启动菜单：{reason}',
};
