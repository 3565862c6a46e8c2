/** 版本来源（发布流、ISO、发布目录、指定文件）与下载校验。 */
export const RELEASE: Record<string, string> = {
  // --- 下载与重试 -------------------------------------------------------------------------------
  'fetching the {what} from {url}': '从 {url} 获取{what}',
  'the {what} at {url} answered HTTP {status}{found}': '{url} 上的{what}返回了 HTTP {status}{found}',
  ' (not found)': '（未找到）',
  'the {what} at {url} is larger than {max} MiB': '{url} 上的{what}超过了 {max} MiB',
  'no answer within {seconds} s': '{seconds} 秒内没有响应',
  'wait for it to finish, or give this run its own --work-dir': '请等待它结束，或为本次运行另指定 --work-dir',
  '{iso} changed while its {role} was being read out of it': '从 {iso} 读取 {role} 的过程中，该文件发生了变化',
  'leave the ISO untouched during the run and run again': '运行期间请不要改动该 ISO，然后重新运行',
  '{file} has {size} bytes, expected {expected}': '{file} 的大小为 {size} 字节，预期为 {expected}',
  'download of the {role} from {location}': '从 {location} 下载 {role}',
  '{file} is {total} bytes at {location}, expected {expected}': '{location} 上的 {file} 为 {total} 字节，预期为 {expected}',
  'connection closed after {have} of {total} bytes': '连接在传输了 {have}/{total} 字节后关闭',
  'cannot write the download: {reason}': '无法写入下载的文件：{reason}',
  'free space in the work directory or choose another one with --work-dir': '请在工作目录中腾出空间，或用 --work-dir 另选一个目录',
  'the stream metadata': '发布流元数据',
  'release.json of the release directory': '发布目录中的 release.json',
  'the expected value': '预期值',
  'the ISO {location}': 'ISO {location}',
  '{subject} has sha256 {got}, but {source} says {expected}': '{subject} 的 sha256 为 {got}，但{source}给出的是 {expected}',
  'the mirror serves a damaged or different file: check the mirror, or choose another with --stream-base-url (the bad download was deleted)':
    '镜像站提供的文件已损坏或与元数据不符：请检查该镜像站，或用 --stream-base-url 另选一个（错误的下载已删除）',
  'check the file and the hash given with --{role}-sha256': '请检查该文件以及 --{role}-sha256 给出的哈希值',
  'the release directory is damaged or was changed: recreate it with `x2nestos fetch --to DIR`':
    '发布目录已损坏或被改动：请用 `x2nestos fetch --to DIR` 重新生成',
  'check the ISO file and the hash given with --iso-sha256': '请检查 ISO 文件以及 --iso-sha256 给出的哈希值',
  'check the source of the file': '请检查该文件的来源',
  ', or choose another mirror with --stream-base-url': '，或用 --stream-base-url 另选一个镜像站',
  'check the network and proxy (HTTPS_PROXY) and run again: the partial download in {dir} resumes{mirror}; offline hosts can use --release-dir with files fetched elsewhere':
    '请检查网络和代理（HTTPS_PROXY）后重新运行：{dir} 中未下载完的文件会接着下载{mirror}；无法联网的主机可以用 --release-dir 使用在别处下载的文件',
  'download the ISO and pass its local path to --iso': '请先下载该 ISO，再把本地路径传给 --iso',
  '{url} answered HTTP {status} to a Range request{unsupported}': '{url} 对 Range 请求返回了 HTTP {status}{unsupported}',
  ' (the server does not support them)': '（服务器不支持 Range 请求）',
  '{url} answered a Range request with Content-Range {range}': '{url} 对 Range 请求返回的 Content-Range 为 {range}',
  '(none)': '（无）',
  '{what} failed after {n} attempt{s} ({reason})': '{what}失败，共尝试 {n} 次（{reason}）',
  '{what} was interrupted': '{what}被中断',
  'run the same command again: partial downloads are kept and resume': '再次运行同一命令即可：未下载完的文件会保留并接着下载',
  'no data received for {seconds} s': '{seconds} 秒内没有收到数据',

  // --- 签名 -------------------------------------------------------------------------------------
  '--signing-key was given but the release publishes no signature for the {role} ({name})':
    '给出了 --signing-key，但该版本没有为 {role}（{name}）发布签名',
  'use a signed release, or drop --signing-key (integrity then rests on the sha256 from the stream or --*-sha256)':
    '请使用带签名的版本，或去掉 --signing-key（此时完整性只依靠发布流或 --*-sha256 给出的 sha256）',
  'gpgv is not installed, so --signing-key cannot be checked': '未安装 gpgv，无法使用 --signing-key 校验',
  'install gnupg (gpgv), or drop --signing-key': '请安装 gnupg（gpgv），或去掉 --signing-key',
  'the {role} ({name}) is not signed by the key in {keyFile}': '{role}（{name}）不是由 {keyFile} 中的密钥签名的',
  'check --signing-key and the mirror; do not convert from this release': '请检查 --signing-key 和镜像站；不要用此版本进行转换',
  'fetching the signature {location} failed with HTTP {status}': '获取签名 {location} 失败，HTTP {status}',
  'check the mirror': '请检查镜像站',
  'the signature {location} is larger than any detached signature': '签名 {location} 比任何分离式签名都大',
  'cannot read --signing-key {keyFile}: {reason}': '无法读取 --signing-key {keyFile}：{reason}',
  'check the path': '请检查路径',
  '-----BEGIN PGP PUBLIC KEY BLOCK-----': '-----BEGIN PGP PUBLIC KEY BLOCK-----',
  '--signing-key {keyFile} is not a complete armored public key': '--signing-key {keyFile} 不是完整的 ASCII 封装公钥',
  'export it with `gpg --export --armor KEYID`': '请用 `gpg --export --armor KEYID` 导出',

  // --- 读取来源 ---------------------------------------------------------------------------------
  '{url} answered a different byte range ({range}) than asked ({from}-)': '{url} 返回的字节范围（{range}）与请求的（{from}-）不同',
  '{url} ignores HTTP Range requests, which reading files inside a remote ISO needs':
    '{url} 不支持 HTTP Range 请求，而读取远程 ISO 中的文件需要它',
  'download the ISO first and pass its local path to --iso': '请先下载该 ISO，再把本地路径传给 --iso',
  'HTTP {status} from {url}': '{url} 返回 HTTP {status}',
  '{url} answered HTTP {status}{found}': '{url} 返回了 HTTP {status}{found}',
  'check the URL (or the mirror given with --stream-base-url / --release-url)':
    '请检查该 URL（或 --stream-base-url / --release-url 给出的镜像站）',
  'cannot read {file}: {reason}': '无法读取 {file}：{reason}',
  'check the path given with --kernel/--initramfs/--rootfs, --iso or --release-dir':
    '请检查 --kernel/--initramfs/--rootfs、--iso 或 --release-dir 给出的路径',
  '{file} is truncated: it ends at byte {size} but holds data up to {total}':
    '{file} 不完整：文件在第 {size} 字节处结束，但其中的数据应延续到第 {total} 字节',
  'copy the ISO again (compare its sha256 with the published one) and pass it with --iso':
    '请重新复制该 ISO（并与发布的 sha256 核对），再用 --iso 传入',

  // --- 构建版本一致性 ---------------------------------------------------------------------------
  '{path} has no etc/nestos-live-initramfs': '{path} 中没有 etc/nestos-live-initramfs',
  '{path} has no etc/nestos-live-rootfs': '{path} 中没有 etc/nestos-live-rootfs',
  'cannot tell which NestOS build the live images are: {missing}': '无法判断这些 live 镜像属于哪个 NestOS 构建版本：{missing}',
  'these files may not be NestOS live artifacts: use the live-initramfs and live-rootfs of one NestOS release (from the stream, --iso, or --release-dir)':
    '这些文件可能不是 NestOS 的 live 镜像：请使用同一 NestOS 版本的 live-initramfs 和 live-rootfs（来自发布流、--iso 或 --release-dir）',
  'initramfs is build {initramfs} but rootfs is build {rootfs}: they must come from the same NestOS build':
    'initramfs 的构建版本是 {initramfs}，rootfs 的却是 {rootfs}：两者必须来自同一 NestOS 构建版本',
  'fetch the initramfs and rootfs of one release (e.g. both from the same stream, ISO or release directory)':
    '请获取同一版本的 initramfs 和 rootfs（例如都来自同一发布流、ISO 或发布目录）',

  // --- initrd 与压缩格式 ------------------------------------------------------------------------
  'it ends in the middle of an archive (truncated?)': '文件在归档中途结束（是否不完整？）',
  'lz4 (frame)': 'lz4（帧格式）',
  'unknown format, first bytes {hex}': '未知格式，开头字节为 {hex}',
  'its gzip member is truncated': '其中的 gzip 部分不完整',
  'its gzip member is corrupt (CRC or size mismatch)': '其中的 gzip 部分已损坏（CRC 或大小不符）',
  'its gzip member is corrupt ({reason})': '其中的 gzip 部分已损坏（{reason}）',
  'its gzip member uses compression method {method}, not deflate': '其中的 gzip 部分使用压缩方法 {method}，而不是 deflate',
  'its zstd member is corrupt ({reason})': '其中的 zstd 部分已损坏（{reason}）',
  'its zstd member is corrupt (reserved frame header bit set)': '其中的 zstd 部分已损坏（帧头的保留位被置位）',
  'its zstd member is corrupt (reserved block type)': '其中的 zstd 部分已损坏（保留的块类型）',
  'its xz member is corrupt ({reason})': '其中的 xz 部分已损坏（{reason}）',
  'its xz member is corrupt (the decoder stopped before the end of the stream)': '其中的 xz 部分已损坏（解码器在数据流结束前停止）',
  'its xz member is corrupt (bad stream flags)': '其中的 xz 部分已损坏（流标志错误）',
  'its xz member is corrupt (bad stream footer)': '其中的 xz 部分已损坏（流尾部错误）',
  'its xz member is corrupt (bad LZMA2 control byte 0x{byte})': '其中的 xz 部分已损坏（LZMA2 控制字节 0x{byte} 错误）',
  'its xz member is corrupt (bad index)': '其中的 xz 部分已损坏（索引错误）',
  'its xz member is corrupt (bad variable-length integer)': '其中的 xz 部分已损坏（变长整数错误）',
  'the initramfs': 'initramfs',
  'cannot read the live {role} {path}: {reason}': '无法读取 live {role} {path}：{reason}',
  'run again to fetch the release artifacts anew': '请重新运行以重新获取该版本的文件',
  'the live {role} {path}': 'live {role} {path}',
  'download it again; if it keeps failing, the image is damaged or not a NestOS live image':
    '请重新下载；若仍然失败，说明该镜像已损坏或不是 NestOS 的 live 镜像',
  'cannot read {what}: unsupported compression ({format})': '无法读取{what}：不支持的压缩格式（{format}）',
  'use the unmodified live images of a NestOS release (their members are gzip, xz or zstd compressed)':
    '请使用 NestOS 版本中未经改动的 live 镜像（其中各部分为 gzip、xz 或 zstd 压缩）',

  // --- ISO 9660 ---------------------------------------------------------------------------------
  'it has no primary volume descriptor': '没有主卷描述符',
  'its logical block size is {size}, not {expected}': '逻辑块大小为 {size}，而不是 {expected}',
  'cannot open the ISO {path}: {reason}': '无法打开 ISO {path}：{reason}',
  'check the path given with --iso': '请检查 --iso 给出的路径',
  'the ISO has no directory /{dir}': '该 ISO 中没有目录 /{dir}',
  'pass the NestOS live ISO with --iso, or the three PXE files with --kernel, --initramfs and --rootfs':
    '请用 --iso 传入 NestOS live ISO，或用 --kernel、--initramfs 和 --rootfs 传入三个 PXE 文件',
  'directory /{path} claims {size} bytes': '目录 /{path} 声称有 {size} 字节',
  'bad directory record in /{path}': '/{path} 中的目录记录有误',
  '/{path} ends in the middle of a multi-extent file': '/{path} 在一个多区段文件的中途结束',
  '/{path} in the ISO is split into extents that are not contiguous, which x2nestos cannot read':
    'ISO 中的 /{path} 被分成了不连续的区段，x2nestos 无法读取',
  'extract the three PXE files and pass them with --kernel, --initramfs and --rootfs':
    '请取出三个 PXE 文件，用 --kernel、--initramfs 和 --rootfs 传入',
  'there is no CD001 volume descriptor at 32 KiB': '在 32 KiB 处没有 CD001 卷描述符',
  'its volume descriptor set is not terminated': '卷描述符集合没有结束标记',
  'it ends at byte {size}, inside data expected up to byte {expected}': '文件在第 {size} 字节处结束，而数据应延续到第 {expected} 字节',
  'the file given as the NestOS ISO is not an ISO 9660 image ({why})': '作为 NestOS ISO 传入的文件不是 ISO 9660 镜像（{why}）',
  'pass the NestOS live ISO (nestos-<build>-live.<arch>.iso) with --iso':
    '请用 --iso 传入 NestOS live ISO（nestos-<build>-live.<arch>.iso）',
  'the NestOS ISO is damaged or truncated: {why}': 'NestOS ISO 已损坏或不完整：{why}',
  'download the ISO again and check its sha256 with --iso-sha256': '请重新下载该 ISO，并用 --iso-sha256 校验其 sha256',

  // --- cpio -------------------------------------------------------------------------------------
  'unexpected data (byte 0x{byte}) between cpio archives': 'cpio 归档之间有意外的数据（字节 0x{byte}）',
  '{name} is {size} bytes, far larger than expected': '{name} 有 {size} 字节，远大于预期',
  'bad cpio header (magic {magic}; only newc archives are supported)': 'cpio 头部有误（magic 为 {magic}；只支持 newc 格式）',
  'bad cpio header field {field}': 'cpio 头部字段 {field} 有误',
  'bad cpio header (empty name)': 'cpio 头部有误（名称为空）',

  // --- 发布目录 ---------------------------------------------------------------------------------
  'must be 64 lower-case hex digits': '必须是 64 位小写十六进制数',
  'must be a plain file name': '必须是单纯的文件名',
  'cannot read the release directory {dir}: {reason}': '无法读取发布目录 {dir}：{reason}',
  'check --release-dir (a directory written by `x2nestos fetch --to DIR`)':
    '请检查 --release-dir（应为 `x2nestos fetch --to DIR` 生成的目录）',
  '{file} is not valid JSON ({reason})': '{file} 不是有效的 JSON（{reason}）',
  'recreate the release directory with `x2nestos fetch --to DIR`': '请用 `x2nestos fetch --to DIR` 重新生成发布目录',
  '{file} is not a release.json x2nestos can read ({problem})': '{file} 不是 x2nestos 能读取的 release.json（{problem}）',
  'top level': '顶层',
  invalid: '无效',
  '{file} has format version {version}; this x2nestos reads version {supported}':
    '{file} 的格式版本为 {version}；此 x2nestos 只能读取版本 {supported}',
  'use the x2nestos version that wrote it, or recreate it with `x2nestos fetch --to DIR`':
    '请使用生成它的 x2nestos 版本，或用 `x2nestos fetch --to DIR` 重新生成',
  'keep exactly one build in the directory, or pass --kernel, --initramfs and --rootfs':
    '目录中请只保留一个构建版本，或用 --kernel、--initramfs 和 --rootfs 指定文件',
  '{dir} holds several {arch} builds ({builds})': '{dir} 中有多个 {arch} 构建版本（{builds}）',
  '{dir} holds NestOS artifacts for {found}, but this machine is {arch}': '{dir} 中的 NestOS 文件适用于 {found}，而本机是 {arch}',
  'put the {arch} artifacts there, or pass --arch if the machine was misdetected':
    '请在其中放入 {arch} 的文件；若本机架构识别有误，请用 --arch 指定',
  '{dir} has no {manifest} and no complete set of live artifacts (missing {missing})':
    '{dir} 中既没有 {manifest}，也没有完整的一套 live 文件（缺少 {missing}）',
  'prepare it with `x2nestos fetch --to DIR`, or pass --kernel, --initramfs and --rootfs':
    '请用 `x2nestos fetch --to DIR` 准备该目录，或用 --kernel、--initramfs 和 --rootfs 指定文件',

  // --- 版本来源的选择 ---------------------------------------------------------------------------
  '{flags} each say where the release comes from': '{flags} 都指定了版本来源',
  'pass only one of --kernel/--initramfs/--rootfs, --release-dir, --release-url, --iso':
    '--kernel/--initramfs/--rootfs、--release-dir、--release-url、--iso 只能给出其中一种',
  '--{role}-sha256 pins the file given with --{same}, which is missing':
    '--{role}-sha256 校验的是 --{same} 给出的文件，但没有给出 --{same}',
  'pass --{role} with it, or drop --{same}-sha256': '请同时给出 --{role}，或去掉 --{same}-sha256',
  '--iso-sha256 pins the ISO given with --iso, which is missing': '--iso-sha256 校验的是 --iso 给出的 ISO，但没有给出 --iso',
  'pass --iso with it, or drop --iso-sha256': '请同时给出 --iso，或去掉 --iso-sha256',
  '--kernel, --initramfs and --rootfs go together: {missing} {are} missing':
    '--kernel、--initramfs 和 --rootfs 必须同时给出：缺少 {missing}',
  'pass {missing} too, or use --release-dir, --iso or the stream instead': '请同时给出 {missing}，或改用 --release-dir、--iso 或发布流',
  '{flag} {given}: only http://, https:// URLs and local paths are supported': '{flag} {given}：只支持 http://、https:// URL 和本地路径',
  'give {flag} an http(s) URL or a local path': '请给 {flag} 一个 http(s) URL 或本地路径',
  'not a regular file': '不是普通文件',
  'no such file': '文件不存在',
  'check the path given with {flag}': '请检查 {flag} 给出的路径',
  'check --release-url (a directory written by `x2nestos fetch --to DIR`, served with its release.json), or copy that directory here and use --release-dir':
    '请检查 --release-url（应为 `x2nestos fetch --to DIR` 生成、并连同 release.json 一起提供的目录），或把该目录复制到本机后使用 --release-dir',
  '{flag} {origin} holds a {found} release, but this machine is {arch}': '{flag} {origin} 中是 {found} 的版本，而本机是 {arch}',
  'fetch the {arch} artifacts (x2nestos fetch --arch {same} --to DIR), or pass --arch if the machine was misdetected':
    '请获取 {arch} 的文件（x2nestos fetch --arch {same} --to DIR）；若本机架构识别有误，请用 --arch 指定',
  '--iso {given} is a {found} ISO, but this machine is {arch}': '--iso {given} 是 {found} 的 ISO，而本机是 {arch}',
  'pass the {arch} live ISO, or --arch if the machine was misdetected': '请传入 {arch} 的 live ISO；若本机架构识别有误，请用 --arch 指定',
  '--iso {given} has no {inside}: it is not a NestOS live ISO': '--iso {given} 中没有 {inside}：它不是 NestOS live ISO',
  'pass the NestOS live ISO (nestos-<build>-live.<arch>.iso), or --kernel, --initramfs and --rootfs':
    '请传入 NestOS live ISO（nestos-<build>-live.<arch>.iso），或用 --kernel、--initramfs 和 --rootfs 指定文件',
  'stream metadata of {stream}': '发布流 {stream} 的元数据',
  'check the network and proxy (HTTPS_PROXY) and --stream, point --stream-base-url at a reachable mirror, or use --release-dir DIR with files fetched elsewhere by `x2nestos fetch --to DIR`':
    '请检查网络、代理（HTTPS_PROXY）和 --stream，用 --stream-base-url 指向可访问的镜像站，或用 --release-dir DIR 使用在别处通过 `x2nestos fetch --to DIR` 下载的文件',
  'the stream metadata at {url} is not JSON ({reason})': '{url} 上的发布流元数据不是 JSON（{reason}）',
  'a proxy or captive portal may have answered instead of the mirror: check the URL, or choose another with --stream-base-url':
    '应答的可能是代理或认证网关而不是镜像站：请检查该 URL，或用 --stream-base-url 另选一个',
  'the ISO {origin} has no sha256 to check it against': 'ISO {origin} 没有可供校验的 sha256',
  'pass --iso-sha256 with the hash published beside the ISO, {accept}': '请用 --iso-sha256 给出与 ISO 一同发布的哈希值，{accept}',
  '{flags} {have} no sha256 to check against': '{flags} 没有可供校验的 sha256',
  'fetch them again from a verified source (x2nestos fetch --to DIR), {accept}':
    '请从经过校验的来源重新获取（x2nestos fetch --to DIR），{accept}',

  // --- 发布流元数据 -----------------------------------------------------------------------------
  'must not be empty': '不能为空',
  'pass --iso {location} --iso-sha256 {sha256}': '请传入 --iso {location} --iso-sha256 {sha256}',
  'pass --iso with the live ISO of this release': '请用 --iso 传入此版本的 live ISO',
  'stream {stream} at {url} publishes no live PXE artifacts for {arch}': '{url} 上的发布流 {stream} 没有发布 {arch} 的 live PXE 文件',
  '{hint}, or use --release-dir DIR, or --kernel, --initramfs and --rootfs':
    '{hint}，或使用 --release-dir DIR，或 --kernel、--initramfs 和 --rootfs',
  'stream {stream} at {url} has no {arch} build (it has {found})': '{url} 上的发布流 {stream} 没有 {arch} 的构建版本（它有 {found}）',
  'choose a stream that publishes {arch} with --stream, or bring the artifacts yourself with --release-dir or --iso':
    '请用 --stream 选择发布了 {arch} 的发布流，或用 --release-dir 或 --iso 自带文件',
  'stream document at {base} points to {location}, which is not an http(s) URL': '{base} 上的发布流文档指向 {location}，它不是 http(s) URL',
  'check the mirror given with --stream-base-url': '请检查 --stream-base-url 给出的镜像站',
  'the document': '文档',
  'stream document at {url} is malformed: {where} {problem}': '{url} 上的发布流文档格式有误：{where} {problem}',
  'is invalid': '无效',
  'the mirror serves a damaged or unexpected document: check it, or choose another with --stream-base-url':
    '镜像站提供的文档已损坏或不符合预期：请检查，或用 --stream-base-url 另选一个',

  // --- 信任：哈希值从哪里来（issue 16） ----------------------------------------------------------------
  'or accept the risk with --allow-unverified-artifacts': '或用 --allow-unverified-artifacts 自行承担风险',
  'pass --iso-sha256 with the hash published beside the ISO (or --checksums FILE), {accept}':
    '请用 --iso-sha256 给出与 ISO 一同发布的哈希值（或 --checksums FILE），{accept}',
  'pin {them} with {flags} or --checksums FILE, {accept}': '请用 {flags} 或 --checksums FILE 指定校验值，{accept}',
  'the sha256 of the {roles} came over plain HTTP with the files ({origin}), so it proves nothing':
    '{roles} 的 sha256 与文件一起经明文 HTTP 传来（{origin}），无法证明任何事',
  'use an https mirror with --stream-base-url (--ca-file for a company CA), pin the files with --checksums FILE, or serve a fetched release with --release-url URL --release-manifest-sha256 HEX, {accept}':
    '请用 --stream-base-url 指定 https 镜像（企业 CA 用 --ca-file），或用 --checksums FILE 指定校验值，或用 --release-url URL --release-manifest-sha256 HEX 使用已下载的版本，{accept}',
  'the release.json at {origin} came over plain HTTP, so its sha256 of the {roles} proves nothing':
    '{origin} 的 release.json 经明文 HTTP 传来，其中 {roles} 的 sha256 无法证明任何事',
  'pass --release-manifest-sha256 with the hash `x2nestos fetch --to DIR` printed, or serve the directory over https, {accept}':
    '请用 --release-manifest-sha256 给出 `x2nestos fetch --to DIR` 打印的哈希值，或通过 https 提供该目录，{accept}',
  '{origin} holds {roles} that {were} never verified against a trusted hash': '{origin} 中的 {roles} 从未按可信的哈希值校验过',
  '{where} has sha256 {got}, but --release-manifest-sha256 says {pinned}':
    '{where} 的 sha256 为 {got}，但 --release-manifest-sha256 给出的是 {pinned}',
  'the directory was changed or replaced since `x2nestos fetch` printed that hash: fetch it again and pass the new hash, or check the server':
    '自 `x2nestos fetch` 打印该哈希值以来，该目录已被修改或替换：请重新获取并传入新的哈希值，或检查服务器',
  '--release-manifest-sha256 was given but {dir} has no {name}': '给出了 --release-manifest-sha256，但 {dir} 中没有 {name}',
  'point --release-dir at the directory `x2nestos fetch --to DIR` wrote, or drop --release-manifest-sha256':
    '请让 --release-dir 指向 `x2nestos fetch --to DIR` 写出的目录，或去掉 --release-manifest-sha256',
  '{where} names a file outside its directory ({role}: {name})': '{where} 指向了其所在目录之外的文件（{role}：{name}）',
  'refusing it: release.json may only name files beside it; recreate the directory with `x2nestos fetch --to DIR`':
    '已拒绝：release.json 只能指向与其同目录的文件；请用 `x2nestos fetch --to DIR` 重新生成该目录',
  'release.json sha256 {sha256}: serve {dir} and convert hosts with --release-url <url of {same}> --release-manifest-sha256 {hash}':
    'release.json 的 sha256 为 {sha256}：请提供 {dir} 的下载服务，并在各主机上用 --release-url <{same} 的 URL> --release-manifest-sha256 {hash} 转换',
  'the file differs from the one the checksum file describes: check the mirror and the file given with --checksums (the bad download was deleted)':
    '该文件与校验文件所描述的不同：请检查镜像站和 --checksums 给出的文件（错误的下载已删除）',
  '--checksums {file} line {n} is not "<sha256>  <file name>"': '--checksums {file} 第 {n} 行不是 "<sha256>  <文件名>"',
  'give a file in the format sha256sum writes (e.g. `sha256sum nestos-* > SHA256SUMS`)':
    '请给出 sha256sum 所写格式的文件（例如 `sha256sum nestos-* > SHA256SUMS`）',
  '--checksums {file} gives two different sha256 for {name}': '--checksums {file} 为 {name} 给出了两个不同的 sha256',
  'keep one entry per file': '每个文件只保留一条',
  '--checksums {url} is plain HTTP: hashes fetched that way prove nothing': '--checksums {url} 是明文 HTTP：这样获取的哈希值无法证明任何事',
  'give the checksum file by https URL or as a local path': '请以 https URL 或本地路径给出校验文件',
  'checksum file': '校验文件',
  'check --checksums, or download the checksum file and give its path': '请检查 --checksums，或下载校验文件后给出其路径',
  '--checksums {url} was redirected to plain HTTP ({to}), so it proves nothing':
    '--checksums {url} 被重定向到明文 HTTP（{to}），无法证明任何事',
  'give a checksum URL that stays on https, or download the file and give its path':
    '请给出始终使用 https 的校验文件 URL，或下载该文件后给出其路径',
  'cannot read --checksums {file}: {reason}': '无法读取 --checksums {file}：{reason}',
  'check the path given with --checksums': '请检查 --checksums 给出的路径',
  '--checksums {file} has no entry for {name} ({what})': '--checksums {file} 中没有 {name}（{what}）的条目',
  'add a line "<sha256>  {name}" to it, or give the checksum file published with this release':
    '请在其中加入一行 "<sha256>  {name}"，或给出与该版本一同发布的校验文件',
  'the ISO': '该 ISO',
  '--iso-sha256 says {a} but --checksums {file} says {b} for {name}':
    '--iso-sha256 给出的是 {a}，但 --checksums {file} 对 {name} 给出的是 {b}',
  'drop the wrong one': '请去掉错误的那个',
  'the {role} {name}: {source} says sha256 {a} but --checksums {file} says {b}':
    '{role} {name}：{source} 给出的 sha256 为 {a}，但 --checksums {file} 给出的是 {b}',
  'the value of --{role}-sha256': '--{role}-sha256 给出的值',
  'the release and the checksum file disagree: check which one is right before converting':
    '版本信息与校验文件不一致：转换前请确认哪一个是正确的',
  "Node's bundled CAs": 'Node 自带的 CA',
  'the https certificate of {server} is not valid for it ({code})': '{server} 的 https 证书对其无效（{code}）',
  "fix the server's certificate (name, dates) or this machine's clock; a CA file cannot fix this (tried {tried})":
    '请修正服务器证书（名称、有效期）或本机时钟；CA 文件无法解决此问题（已尝试 {tried}）',
  'the https certificate of {server} is not signed by a trusted CA ({code}; tried {tried})':
    '{server} 的 https 证书不是由受信任的 CA 签发的（{code}；已尝试 {tried}）',
  "pass the CA that signed it with --ca-file PATH (PEM), or add it to this machine's trust store (update-ca-certificates or update-ca-trust)":
    '请用 --ca-file PATH（PEM）给出签发它的 CA，或将其加入本机的信任存储（update-ca-certificates 或 update-ca-trust）',
  'cannot read --ca-file {file} ({reason})': '无法读取 --ca-file {file}（{reason}）',
  'give the path of a readable PEM file holding the CA certificate(s)': '请给出一个可读的、包含 CA 证书的 PEM 文件路径',
  '--ca-file {file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)':
    '--ca-file {file} 中没有 PEM 证书（-----BEGIN CERTIFICATE-----）',
  'give the CA certificate in PEM form (convert DER with `openssl x509 -inform der -in FILE -out ca.pem`)':
    '请以 PEM 格式给出 CA 证书（DER 格式可用 `openssl x509 -inform der -in FILE -out ca.pem` 转换）',
  'verified: the hash came over https with a checked certificate': '已校验：哈希值经证书已验证的 https 传来',
  'verified: the hash was given by you': '已校验：哈希值由您给出',
  'verified: release.json matched --release-manifest-sha256': '已校验：release.json 与 --release-manifest-sha256 一致',
  'verified: signature checked with --signing-key': '已校验：签名已用 --signing-key 验证',
  'verified: a file on this machine': '已校验：本机上的文件',
  'NOT VERIFIED: nothing trusted vouches for this file (--allow-unverified-artifacts)':
    '未校验：没有任何可信来源为该文件担保（--allow-unverified-artifacts）',
  'release {release} fetched into {dir}, NOT verified ({roles}): hosts refuse it unless --allow-unverified-artifacts':
    '版本 {release} 已下载到 {dir}，但未经校验（{roles}）：除非使用 --allow-unverified-artifacts，各主机都会拒绝它',
};
