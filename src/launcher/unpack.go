package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/klauspost/compress/zstd"
)

// The payload is a zstd-compressed tar whose first member, MANIFEST, lists every other member:
//
//	<sha256 hex> <size> <mode, octal> <path>
//
// Each member is checked against its line while it is written; the cache directory keeps the
// MANIFEST so that later starts can check what is there without reading it all again.

const (
	manifestName = "MANIFEST"
	seaName      = "x2nestos-sea"
	// Temporary unpack directories older than this were left by a start that died half-way.
	staleUnpack = time.Hour
)

type entry struct {
	sha256 string
	size   int64
	mode   os.FileMode
	path   string
}

// ensureUnpacked returns the cache directory holding this file's payload, unpacking it first when
// it is missing or damaged. Concurrent first starts each unpack into their own temporary
// directory; the first rename wins and the others use its result.
func ensureUnpacked(r *release, base string) (string, error) {
	uid := os.Geteuid()
	final := filepath.Join(base, r.contentHash())
	if _, err := os.Lstat(final); err == nil {
		if err := checkSafeDir(final, uid); err != nil {
			return "", err
		}
		if cacheIntact(final, uid) == nil {
			return final, nil
		}
		// Damaged or partial (a file deleted, truncated, or chmod'ed): set aside and unpack again.
		aside := fmt.Sprintf("%s.damaged-%d", final, os.Getpid())
		if err := os.Rename(final, aside); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", &launchError{code: exitPrecondition, what: "the runtime cache " + final + " is damaged and cannot be moved aside (" + err.Error() + ")", fix: "remove it (rm -rf " + final + ") and run x2nestos again"}
		}
		os.RemoveAll(aside)
	}
	removeStaleUnpacks(base)
	if err := checkRoom(base, r.unpacked+1<<20); err != nil {
		return "", err
	}
	if err := verifyPayload(r); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(base, ".unpack-")
	if err != nil {
		return "", writeError(base, err, r.unpacked)
	}
	if err := unpack(r, tmp); err != nil {
		os.RemoveAll(tmp)
		return "", writeError(base, err, r.unpacked)
	}
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		// Another start finished first (rename onto a non-empty directory fails): use its copy.
		if cacheIntact(final, uid) == nil {
			return final, nil
		}
		return "", writeError(base, err, r.unpacked)
	}
	syncDir(base)
	return final, nil
}

func unpack(r *release, dir string) error {
	dec, err := zstd.NewReader(bufio.NewReaderSize(r.payload(), 1<<20),
		zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(64<<20))
	if err != nil {
		return err
	}
	defer dec.Close()
	tr := tar.NewReader(dec)
	hdr, err := tr.Next()
	if err != nil || hdr.Name != manifestName || hdr.Size > 1<<20 {
		return damaged("the payload does not start with its manifest")
	}
	manifestText, err := io.ReadAll(tr)
	if err != nil {
		return damaged("the payload's manifest cannot be read: " + err.Error())
	}
	entries, err := parseManifest(manifestText)
	if err != nil {
		return err
	}
	pending := map[string]entry{}
	for _, e := range entries {
		pending[e.path] = e
	}
	buf := make([]byte, 1<<20)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return damaged("the payload cannot be unpacked: " + err.Error())
		}
		e, ok := pending[hdr.Name]
		if !ok || hdr.Typeflag != tar.TypeReg {
			return damaged("the payload holds an unexpected member " + strconv.Quote(hdr.Name))
		}
		delete(pending, hdr.Name)
		if err := writeMember(tr, filepath.Join(dir, e.path), e, buf); err != nil {
			return err
		}
	}
	if len(pending) > 0 {
		return damaged("the payload lacks members its manifest lists")
	}
	if err := os.WriteFile(filepath.Join(dir, manifestName), manifestText, 0o644); err != nil {
		return err
	}
	for _, d := range []string{"lib", "bin", "."} {
		syncDir(filepath.Join(dir, d))
	}
	return nil
}

// writeMember writes one file, hashing it on the way, and keeps it only if it is what the
// manifest says; it is on disk (fsync) before the directory gets its final name.
func writeMember(src io.Reader, path string, e entry, buf []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, e.mode)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(io.MultiWriter(f, h), src, buf)
	if err != nil {
		if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EROFS) {
			return err
		}
		return damaged("the payload cannot be unpacked: " + err.Error())
	}
	if n != e.size || hex.EncodeToString(h.Sum(nil)) != e.sha256 {
		return damaged(e.path + " in the payload does not match its sha256")
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

func parseManifest(text []byte) ([]entry, error) {
	var out []entry
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(text)), "\n") {
		f := strings.SplitN(line, " ", 4)
		if len(f) != 4 {
			return nil, damaged("the payload's manifest is malformed")
		}
		size, err1 := strconv.ParseInt(f[1], 10, 64)
		mode, err2 := strconv.ParseUint(f[2], 8, 32)
		path := f[3]
		if err1 != nil || err2 != nil || len(f[0]) != 64 || filepath.IsAbs(path) || filepath.Clean(path) != path ||
			strings.HasPrefix(path, "..") || path == manifestName || seen[path] {
			return nil, damaged("the payload's manifest is malformed")
		}
		seen[path] = true
		// Nothing in the cache is ever writable by group or others.
		out = append(out, entry{sha256: f[0], size: size, mode: os.FileMode(mode) & 0o755, path: path})
	}
	if !seen[seaName] || !seen[filepath.Join("lib", loaderName())] {
		return nil, damaged("the payload's manifest lacks x2nestos or its loader")
	}
	return out, nil
}

// cacheIntact is the check of every start: the manifest and each file it lists are there, are
// regular files of the recorded size, belong to the user and are writable by no one else. Their
// contents were verified when they were unpacked; only their owner can have changed them since.
func cacheIntact(dir string, uid int) error {
	text, err := readOwnFile(filepath.Join(dir, manifestName), uid)
	if err != nil {
		return err
	}
	entries, err := parseManifest(text)
	if err != nil {
		return err
	}
	checkedDirs := map[string]bool{}
	for _, e := range entries {
		p := filepath.Join(dir, e.path)
		if d := filepath.Dir(p); d != dir && !checkedDirs[d] {
			if err := checkSafeDir(d, uid); err != nil {
				return err
			}
			checkedDirs[d] = true
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		if !fi.Mode().IsRegular() || fi.Size() != e.size || fi.Mode().Perm()&0o022 != 0 || int(fi.Sys().(*syscall.Stat_t).Uid) != uid {
			return fmt.Errorf("%s is not as unpacked", p)
		}
	}
	return nil
}

func readOwnFile(path string, uid int) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o022 != 0 || int(fi.Sys().(*syscall.Stat_t).Uid) != uid || fi.Size() > 1<<20 {
		return nil, fmt.Errorf("%s is not as unpacked", path)
	}
	text, err := os.ReadFile(path)
	if err != nil || !bytes.HasSuffix(text, []byte("\n")) {
		return nil, fmt.Errorf("%s is incomplete", path)
	}
	return text, nil
}

// removeStaleUnpacks deletes temporary directories of starts that died while unpacking. A fresh
// one may belong to a start running right now and is left alone.
func removeStaleUnpacks(base string) {
	list, err := os.ReadDir(base)
	if err != nil {
		return
	}
	for _, d := range list {
		if !strings.HasPrefix(d.Name(), ".unpack-") && !strings.Contains(d.Name(), ".damaged-") {
			continue
		}
		if info, err := d.Info(); err == nil && time.Since(info.ModTime()) > staleUnpack {
			os.RemoveAll(filepath.Join(base, d.Name()))
		}
	}
}

// writeError turns a failed write into the one line that says which mount and how much room.
func writeError(base string, err error, need int64) error {
	var le *launchError
	if errors.As(err, &le) {
		return le
	}
	mib := need>>20 + 1
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return roomError(base, mountOf(base)+" ran out of space", mib)
	case errors.Is(err, syscall.EROFS):
		return roomError(base, mountOf(base)+" is mounted read-only", mib)
	}
	return &launchError{code: exitPrecondition, what: "cannot unpack the x2nestos runtime into " + base + " (" + err.Error() + ")", fix: "set X2NESTOS_CACHE_DIR to a directory you can write"}
}

func syncDir(path string) {
	if d, err := os.Open(path); err == nil {
		d.Sync()
		d.Close()
	}
}
