package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"os"
)

// The last trailerSize bytes of a release file (all integers little-endian):
//
//	0  8  magic "X2NPAYL1"
//	8  8  offset of the payload (= size of the launcher)
//	16 8  length of the payload (a zstd-compressed tar, see unpack.go)
//	24 8  bytes the payload unpacks to (for the free-space check)
//	32 32 sha256 of the payload
//
// scripts/build/release-file.mjs writes it.
const (
	trailerSize  = 64
	trailerMagic = "X2NPAYL1"
)

type release struct {
	file     *os.File
	path     string
	offset   int64
	length   int64
	unpacked int64
	sha256   [32]byte
}

// contentHash names the cache directory: two release files with the same payload share it.
func (r *release) contentHash() string { return hex.EncodeToString(r.sha256[:]) }

func (r *release) payload() *io.SectionReader { return io.NewSectionReader(r.file, r.offset, r.length) }

func damaged(detail string) error {
	return &launchError{code: exitVerification, what: "the file is damaged (" + detail + ")", fix: "download it again"}
}

// openRelease reads the trailer of the running file. A truncated file has no trailer at its end
// (or one whose numbers do not add up to the file's size); an altered one fails verifyPayload.
func openRelease() (*release, error) {
	path, err := os.Executable()
	if err != nil {
		return nil, &launchError{code: exitPrecondition, what: "cannot find the running file (" + err.Error() + ")", fix: "mount /proc and run x2nestos again"}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &launchError{code: exitPrecondition, what: "cannot read " + path + " (" + err.Error() + ")", fix: "run x2nestos from a file you can read"}
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	size := st.Size()
	if size < trailerSize {
		f.Close()
		return nil, damaged("it is too short")
	}
	var t [trailerSize]byte
	if _, err := f.ReadAt(t[:], size-trailerSize); err != nil {
		f.Close()
		return nil, damaged("its end cannot be read: " + err.Error())
	}
	r := &release{
		file:     f,
		path:     path,
		offset:   int64(binary.LittleEndian.Uint64(t[8:16])),
		length:   int64(binary.LittleEndian.Uint64(t[16:24])),
		unpacked: int64(binary.LittleEndian.Uint64(t[24:32])),
	}
	copy(r.sha256[:], t[32:64])
	if !bytes.Equal(t[:8], []byte(trailerMagic)) {
		f.Close()
		return nil, damaged("its end is not an x2nestos payload trailer; it is probably truncated")
	}
	if r.offset <= 0 || r.length <= 0 || r.offset+r.length+trailerSize != size {
		f.Close()
		return nil, damaged("its length does not match the payload it describes")
	}
	return r, nil
}

// verifyPayload checks the whole payload against the trailer's sha256, before anything of it is
// unpacked. It streams: memory use does not grow with the payload.
func verifyPayload(r *release) error {
	h := sha256.New()
	if _, err := io.Copy(h, r.payload()); err != nil {
		return damaged("reading it failed: " + err.Error())
	}
	if !bytes.Equal(h.Sum(nil), r.sha256[:]) {
		return damaged("its payload does not match its sha256")
	}
	return nil
}
