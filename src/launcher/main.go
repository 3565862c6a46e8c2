// The release file's launcher: a static program that needs nothing from the host. The release file
// is this launcher, then a zstd-compressed tar of the private runtime (Debian's dynamic loader and
// libraries, Debian's kexec binary, and x2nestos itself as a Node single executable), then a
// fixed-size trailer naming the payload and its sha256 (see release.go).
//
// On start it finds the payload in its own file, unpacks it once into a cache no other user can
// write (cache.go, unpack.go), and replaces itself with
//
//	<cache>/lib/<ld-linux> --argv0 <argv0> --library-path <cache>/lib <cache>/x2nestos-sea <args>
//
// by execve: the same process, so exit codes, signals, the terminal and argv are x2nestos's own.
// The host's C library is never used, so x2nestos starts on any Linux >= 3.2 (what Debian 12's
// glibc needs) whatever its userland.
package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
)

// Set by the build (-ldflags -X): the x2nestos version this file carries, for --json refusals.
var version = "unknown"

// The kernel names of the one architecture each release file is built for.
var kernelArch = map[string]string{"amd64": "x86_64", "arm64": "aarch64"}

func main() {
	if err := launch(); err != nil {
		fail(err)
	}
}

func launch() error {
	if err := checkArch(); err != nil {
		return err
	}
	self, err := openRelease()
	if err != nil {
		return err
	}
	defer self.file.Close()
	base, err := cacheBase()
	if err != nil {
		return err
	}
	dir, err := ensureUnpacked(self, base)
	if err != nil {
		return err
	}
	self.file.Close()
	return execApp(dir)
}

// checkArch refuses a kernel of another architecture, or a 64-bit kernel answering for a 32-bit
// personality (linux32): the carried runtime and kexec are for one 64-bit architecture. A truly
// 32-bit kernel cannot start this file at all (the shell reports "Exec format error").
func checkArch() error {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		return nil // uname cannot fail on Linux; if it does, the loader's own check still applies
	}
	machine := utsString(u.Machine[:])
	want := kernelArch[runtime.GOARCH]
	if machine == want {
		return nil
	}
	return &launchError{
		code: exitPrecondition,
		what: "this x2nestos is for " + want + " but the kernel reports '" + machine + "'" + archHint(machine),
		fix:  "use the x2nestos release file for this machine's architecture (x86_64 or aarch64, 64-bit kernels only)",
	}
}

func archHint(machine string) string {
	switch machine {
	case "i386", "i486", "i586", "i686", "armv7l", "armv8l", "armv6l":
		return " (a 32-bit kernel or a 32-bit personality such as linux32)"
	}
	return ""
}

func utsString(field []int8) string {
	b := make([]byte, 0, len(field))
	for _, c := range field {
		if c == 0 {
			break
		}
		b = append(b, byte(c))
	}
	return string(b)
}

// execApp replaces the launcher with x2nestos run through the private loader. --library-path
// is an argument of the loader, not LD_LIBRARY_PATH: programs x2nestos starts (lsblk, ip, the
// host's kexec) use the host's own libraries as usual.
func execApp(dir string) error {
	lib := filepath.Join(dir, "lib")
	loader := filepath.Join(lib, loaderName())
	argv := []string{"x2nestos", "--argv0", os.Args[0], "--library-path", lib, filepath.Join(dir, seaName)}
	argv = append(argv, os.Args[1:]...)
	err := syscall.Exec(loader, argv, appEnv(dir))
	// Only reached when execve failed, e.g. the cache's filesystem was remounted noexec meanwhile.
	return &launchError{
		code: exitPrecondition,
		what: "cannot run " + loader + ": " + err.Error(),
		fix:  "check that " + mountOf(dir) + " allows executables, or set X2NESTOS_CACHE_DIR to a directory on one that does",
	}
}

func loaderName() string {
	if runtime.GOARCH == "arm64" {
		return "ld-linux-aarch64.so.1"
	}
	return "ld-linux-x86-64.so.2"
}

// appEnv is the environment x2nestos gets: the host's, with the runtime directory named, and
// without what would make the private loader load host code into a root tool (LD_PRELOAD,
// LD_AUDIT) or Node load code from the environment (NODE_OPTIONS; the executable ignores it as
// well). LD_LIBRARY_PATH stays for the programs x2nestos starts: --library-path overrides it for
// x2nestos itself.
func appEnv(dir string) []string {
	env := make([]string, 0, len(os.Environ())+1)
	for _, kv := range os.Environ() {
		name := kv
		if i := strings.IndexByte(kv, '='); i >= 0 {
			name = kv[:i]
		}
		switch name {
		case "LD_PRELOAD", "LD_AUDIT", "NODE_OPTIONS", "X2NESTOS_RUNTIME_DIR":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "X2NESTOS_RUNTIME_DIR="+dir)
}
