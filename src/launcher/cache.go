package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// The launcher executes what it finds in the cache, as root: the cache must be a place no other
// user can write, checked on every start rather than assumed. A directory is safe when it and
// every directory above it belong to root or to the user running x2nestos and no one else can
// write to it (a sticky directory such as /tmp is fine above the cache: others can add entries
// there but cannot replace ours).

const (
	stRdonly = 0x1 // ST_RDONLY in statfs(2) f_flags
	stNoexec = 0x8 // ST_NOEXEC
)

// cacheBase is where release payloads are unpacked: X2NESTOS_CACHE_DIR, else /var/cache/x2nestos
// for root, else the user's own cache ($XDG_CACHE_HOME or ~/.cache) for `--help`, `--version`
// and `plan` as a normal user. It exists and is safe when this returns.
func cacheBase() (string, error) {
	uid := os.Geteuid()
	base := os.Getenv("X2NESTOS_CACHE_DIR")
	switch {
	case base != "":
	case uid == 0:
		base = "/var/cache/x2nestos"
	case filepath.IsAbs(os.Getenv("XDG_CACHE_HOME")):
		base = filepath.Join(os.Getenv("XDG_CACHE_HOME"), "x2nestos")
	case filepath.IsAbs(os.Getenv("HOME")):
		base = filepath.Join(os.Getenv("HOME"), ".cache", "x2nestos")
	default:
		return "", &launchError{code: exitPrecondition, what: "no place for the x2nestos runtime cache: HOME is not set", fix: "set X2NESTOS_CACHE_DIR to a directory only you can write"}
	}
	base, err := filepath.Abs(base)
	if err != nil {
		return "", err
	}
	if err := createDirs(base); err != nil {
		return "", err
	}
	return base, checkSafeDir(base, uid)
}

// createDirs makes the missing directories down to base, readable by their owner only.
func createDirs(base string) error {
	if _, err := os.Lstat(base); err == nil {
		return nil
	}
	err := os.MkdirAll(base, 0o700)
	if err == nil {
		return nil
	}
	if errors.Is(err, syscall.EROFS) {
		return &launchError{code: exitPrecondition, what: fmt.Sprintf("cannot create the cache directory %s: %s is mounted read-only", base, mountOf(filepath.Dir(base))), fix: "set X2NESTOS_CACHE_DIR to a directory on a writable mount"}
	}
	if errors.Is(err, syscall.ENOSPC) {
		return &launchError{code: exitPrecondition, what: fmt.Sprintf("cannot create the cache directory %s: %s is full", base, mountOf(filepath.Dir(base))), fix: "free some space or set X2NESTOS_CACHE_DIR to a directory on a mount with room"}
	}
	return &launchError{code: exitPrecondition, what: "cannot create the cache directory " + base + " (" + err.Error() + ")", fix: "set X2NESTOS_CACHE_DIR to a directory you can write"}
}

// checkSafeDir refuses a cache directory that is a symbolic link, belongs to someone else, or that
// anyone else could change through it or through a directory above it.
func checkSafeDir(dir string, uid int) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return &launchError{code: exitPrecondition, what: "cannot inspect the cache directory " + dir + " (" + err.Error() + ")", fix: "set X2NESTOS_CACHE_DIR to a directory you can write"}
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return unsafeCache(dir, "is a symbolic link", "remove the link (rm "+dir+")")
	}
	if !fi.IsDir() {
		return unsafeCache(dir, "is not a directory", "remove it")
	}
	if err := checkOwnedSafe(dir, fi, uid, true); err != nil {
		return err
	}
	// Above the cache, links are fine (/var -> /srv/var): check the directories they lead to.
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return unsafeCache(dir, "cannot be resolved ("+err.Error()+")", "check the path")
	}
	for p := filepath.Dir(real); ; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			return unsafeCache(p, "cannot be inspected ("+err.Error()+")", "check the path")
		}
		if err := checkOwnedSafe(p, st, uid, false); err != nil {
			return err
		}
		if p == "/" {
			return nil
		}
	}
}

// checkOwnedSafe: the cache itself must belong to the user; directories above it to the user or
// root, and may be writable by others only when sticky.
func checkOwnedSafe(dir string, fi os.FileInfo, uid int, isCache bool) error {
	st := fi.Sys().(*syscall.Stat_t)
	owner := int(st.Uid)
	if owner != uid && (isCache || owner != 0) {
		return unsafeCache(dir, fmt.Sprintf("is owned by uid %d, not by %s", owner, who(uid)), "remove it or give it to "+who(uid)+" (chown)")
	}
	perm := fi.Mode().Perm()
	if perm&0o022 != 0 && (isCache || fi.Mode()&os.ModeSticky == 0) {
		return unsafeCache(dir, fmt.Sprintf("is writable by other users (mode %04o)", perm), "run chmod go-w "+dir)
	}
	return nil
}

func who(uid int) string {
	if uid == 0 {
		return "root"
	}
	return "uid " + strconv.Itoa(uid) + " (you)"
}

func unsafeCache(path, why, fix string) error {
	return &launchError{
		code: exitPrecondition,
		what: "refusing to run from the cache: " + path + " " + why,
		fix:  fix + ", or set X2NESTOS_CACHE_DIR to a directory only you can write",
	}
}

// checkRoom says, before unpacking, why the cache's filesystem cannot take and run the payload.
func checkRoom(base string, need int64) error {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(base, &fs); err != nil {
		return nil // the writes themselves will report it
	}
	mib := need>>20 + 1
	mount := mountOf(base)
	switch {
	case fs.Flags&stRdonly != 0:
		return roomError(base, mount+" is mounted read-only", mib)
	case fs.Flags&stNoexec != 0:
		return roomError(base, mount+" is mounted noexec, so programs cannot run from it", mib)
	case int64(fs.Bavail)*fs.Bsize < need:
		return roomError(base, fmt.Sprintf("%s has %d MiB free, %d MiB needed", mount, int64(fs.Bavail)*fs.Bsize>>20, mib), mib)
	}
	return nil
}

func roomError(base, why string, mib int64) error {
	return &launchError{
		code: exitPrecondition,
		what: "cannot unpack the x2nestos runtime into " + base + ": " + why,
		fix:  fmt.Sprintf("set X2NESTOS_CACHE_DIR to a directory on a writable, executable mount with %d MiB free", mib),
	}
}

// mountOf names the mount holding path, from /proc/self/mountinfo: the longest mount point that
// is a prefix of the path.
func mountOf(path string) string {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		real = path
	}
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return "the filesystem of " + path
	}
	defer f.Close()
	best := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMount(fields[4])
		if (real == mp || strings.HasPrefix(real, strings.TrimSuffix(mp, "/")+"/")) && len(mp) > len(best) {
			best = mp
		}
	}
	if best == "" {
		return "the filesystem of " + path
	}
	return "the mount " + best
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
