/** 可靠性：输出流、失败后的清理、工作目录、代理、选项值、控制台、Ignition 来源、内核命令行。 */
export const RELIABILITY: Record<string, string> = {
  // --- 输出流 -----------------------------------------------------------------------------------
  'the JSON output': 'JSON 输出',
  'the output': '输出',
  'could not write {what} to stdout ({code})': '无法把{what}写到标准输出（{code}）',
  'send it to a file on a filesystem with free space, or to a pipe': '请把它写到有剩余空间的文件系统上的文件，或写入管道',
  'cannot write the log file {file} ({code}); carrying on without a log': '无法写入日志文件 {file}（{code}）；继续运行，但不记录日志',

  // --- 选项 -------------------------------------------------------------------------------------
  'give up fetching an --ignition URL after this long (default 120)': '获取 --ignition URL 超过此时长（秒）即放弃（默认 120）',
  '{flag} needs a value; got the option {value}': '{flag} 需要一个值；得到的却是选项 {value}',
  'put the value right after {flag} (write {flag}=VALUE if the value really starts with a dash)':
    '请把值紧跟在 {flag} 之后（若值确实以短横线开头，请写成 {flag}=VALUE）',
  '--console "{spec}" is not a single console': '--console "{spec}" 不是单个控制台',
  'repeat --console once per console': '每个控制台请各用一次 --console',
  '--console {spec} is not a console: expected name[,options] like ttyS0,115200n8':
    '--console {spec} 不是控制台：应为 name[,options] 形式，例如 ttyS0,115200n8',
  'pass the device name and options only, as after console= on a kernel command line':
    '只传设备名和选项，即内核命令行中 console= 之后的部分',
  'the live kernel command line is {length} bytes, more than the {arch} kernel accepts ({limit})':
    'live 内核命令行长 {length} 字节，超出 {arch} 内核可接受的长度（{limit}）',
  'pass fewer or shorter --live-karg and --console, or --rootfs-mode append (no rootfs URL and network arguments)':
    '请减少或缩短 --live-karg 与 --console，或使用 --rootfs-mode append（不需要 rootfs URL 和网络参数）',
  'a [ is not closed by ]': '[ 没有用 ] 闭合',
  'an empty [] matches nothing': '空的 [] 匹配不到任何内容',
  'the range {from}-{to} is reversed': '范围 {from}-{to} 顺序颠倒',
  '--save-partlabel {glob} is not a valid glob: {why}': '--save-partlabel {glob} 不是有效的通配模式：{why}',
  'use * ? and [...] as in the shell, e.g. --save-partlabel "data*"': '请像在 shell 中那样使用 * ? 和 [...]，例如 --save-partlabel "data*"',
  '--signing-key {file} is not an OpenPGP public key': '--signing-key {file} 不是 OpenPGP 公钥',
  'export the key with `gpg --export --armor KEYID` and pass that file': '请用 `gpg --export --armor KEYID` 导出公钥并传入该文件',

  // --- 代理 -------------------------------------------------------------------------------------
  '{variable}={value} is not a usable proxy: {why}': '{variable}={value} 不是可用的代理：{why}',
  'set {variable} to http://HOST:PORT (or unset it)': '请把 {variable} 设为 http://HOST:PORT（或取消设置）',
  '{scheme}:// proxies are not supported, only http:// and https://': '不支持 {scheme}:// 代理，只支持 http:// 和 https://',
  'it is not HOST:PORT or a URL': '它既不是 HOST:PORT 也不是 URL',
  'it names no host': '其中没有主机名',

  // --- 工作目录与清理 ---------------------------------------------------------------------------
  'the work directory {workDir} {why}': '工作目录 {workDir} {why}',
  'pass the --work-dir the conversion used': '请传入转换时使用的 --work-dir',
  'pass --work-dir with a directory root can create and write (the default is /var/lib/x2nestos)':
    '请用 --work-dir 指定 root 能创建并写入的目录（默认为 /var/lib/x2nestos）',
  'is not a directory': '不是目录',
  'is not a directory (a part of the path is a file)': '不是目录（路径中有一段是文件）',
  'is not writable by this user': '当前用户无法写入',
  'is on a read-only filesystem': '位于只读文件系统上',
  'is too long a path': '路径过长',
  'is on a full filesystem': '所在文件系统已满',
  'has too many levels of symbolic links': '符号链接层数过多',
  'exists and is not a directory': '已存在且不是目录',
  'cannot be used ({code})': '无法使用（{code}）',
  'cannot be read ({code})': '无法读取（{code}）',
  'is empty': '为空',
  'is not valid JSON': '不是有效的 JSON',
  'is not a JSON object': '不是 JSON 对象',
  'has version {got}, not {want}': '版本为 {got}，而不是 {want}',
  'lacks the staged kernel, initrd or switch command': '缺少暂存的内核、initrd 或切换命令',
  'switching to the live installer failed: {reason}': '切换到 live 安装程序失败：{reason}',
  'nothing was switched; the live kernel was unloaded and the staged files removed; see the log, then run the conversion again':
    '没有发生切换；live 内核已卸载，暂存文件已删除；请查看日志后重新执行转换',
  'Corrupt     {path} {why}; `x2nestos abort` removes it and anything staged':
    '已损坏      {path} {why}；`x2nestos abort` 会删除它及所有暂存内容',
  'Leftovers   {files} in {dir}, from a run that did not finish; `x2nestos abort` removes them (the initrd holds your Ignition config)':
    '遗留文件    {dir} 中的 {files}，来自一次未完成的运行；`x2nestos abort` 会删除它们（initrd 中含有您的 Ignition 配置）',
  'Partial     {count} download(s) in the cache; the next run resumes them': '未完成下载  缓存中有 {count} 个未完成的下载；下次运行会续传',

  // --- Ignition ---------------------------------------------------------------------------------
  'user "{user}", sshAuthorizedKeys[{index}] is not usable: {reason}': '用户 "{user}" 的 sshAuthorizedKeys[{index}] 不可用：{reason}',
  'user "{user}": passwordHash is not a crypt(3) hash, so no password will open this account on a console (make one with `openssl passwd -6`)':
    '用户 "{user}"：passwordHash 不是 crypt(3) 哈希，因此任何密码都无法在控制台登录该账户（请用 `openssl passwd -6` 生成）',
  'the hostname {hostname} is not a valid hostname, so it is not carried (set /etc/hostname in your config)':
    '主机名 {hostname} 不是有效的主机名，因此不会沿用（请在配置中设置 /etc/hostname）',
  'the Ignition config gives no user a usable SSH key (user "{user}", sshAuthorizedKeys[{index}]: {reason})':
    'Ignition 配置没有为任何用户提供可用的 SSH 密钥（用户 "{user}"，sshAuthorizedKeys[{index}]：{reason}）',
  'a character device': '字符设备',
  'a block device': '块设备',
  'a socket': '套接字',
  'a special file': '特殊文件',
  'the Ignition config {path} is {what}, not a file': 'Ignition 配置 {path} 是{what}，不是文件',
  'pass the path of an Ignition config file (or a pipe) to --ignition': '请把 Ignition 配置文件（或管道）的路径传给 --ignition',
  'could not fetch the Ignition config from {source}: not complete after {seconds} s':
    '无法从 {source} 获取 Ignition 配置：{seconds} 秒后仍未完成',
  'check the server, or allow more time with --ignition-timeout SECONDS, or pass a local file to --ignition':
    '请检查服务器，或用 --ignition-timeout SECONDS 放宽时限，或把本地文件传给 --ignition',

  // --- 沙箱与切换 ---------------------------------------------------------------------------------
  'the sandbox host {dir} has no readable commands.json ({reason})': '沙箱主机 {dir} 没有可读的 commands.json（{reason}）',
  'point X2NESTOS_SANDBOX at a copy of a directory from test/fixtures/hosts':
    '请把 X2NESTOS_SANDBOX 指向 test/fixtures/hosts 中某个目录的副本',
  'the kexec that loaded the kernel ({kexec}) is not the one systemd runs at shutdown: x2nestos syncs, remounts the other filesystems read-only and executes it':
    '加载内核的 kexec（{kexec}）不是 systemd 关机时运行的那个：x2nestos 先同步、把其他文件系统重新挂载为只读，再执行它',
  'the kexec that loaded the kernel ({kexec}) is not one the init system runs at shutdown: x2nestos syncs, remounts the other filesystems read-only and executes it':
    '加载内核的 kexec（{kexec}）不是初始化系统关机时运行的：x2nestos 先同步、把其他文件系统重新挂载为只读，再执行它',
  'systemd does not answer': 'systemd 没有应答',
};
