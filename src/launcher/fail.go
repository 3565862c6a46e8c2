package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// Exit codes of the README table, the same classes x2nestos itself uses (src/errors.ts).
const (
	exitInternal     = 1
	exitPrecondition = 3
	exitVerification = 5
)

var kindOf = map[int]string{exitInternal: "internal", exitPrecondition: "precondition", exitVerification: "verification"}

// launchError is a refusal a user can act on: one line, what went wrong and what to do.
type launchError struct {
	code int
	what string
	fix  string
}

func (e *launchError) Error() string { return e.what + ": " + e.fix }

// fail prints the one line x2nestos prints for every refusal and exits with its code. With --json
// (or --events jsonl) stdout also carries the document programs expect, so automation reading it
// sees the refusal as it would see any other.
func fail(err error) {
	le, ok := err.(*launchError)
	if !ok {
		le = &launchError{code: exitInternal, what: "the launcher failed: " + err.Error(), fix: "this is a bug: please report it with this line"}
	}
	fmt.Fprintf(os.Stderr, "x2nestos: error: %s\n", le.Error())
	if wantsJSON() {
		doc := map[string]any{
			"schemaVersion": 1,
			"tool":          map[string]string{"name": "x2nestos", "version": version},
			"command":       "launch",
			"ok":            false,
			"exitCode":      le.code,
			"result":        "refused",
			"error":         map[string]any{"kind": kindOf[le.code], "message": le.what, "remedy": le.fix, "details": []string{}},
		}
		out, _ := json.Marshal(doc)
		if eventsRequested() {
			out, _ = json.Marshal(map[string]any{
				"schemaVersion": 1, "time": time.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
				"type": "result", "detail": "refused", "document": doc,
			})
		}
		os.Stdout.Write(append(out, '\n'))
	}
	os.Exit(le.code)
}

func wantsJSON() bool {
	for _, a := range os.Args[1:] {
		if a == "--json" {
			return true
		}
	}
	return eventsRequested()
}

func eventsRequested() bool {
	for i, a := range os.Args[1:] {
		if a == "--events=jsonl" || (a == "--events" && i+2 < len(os.Args) && os.Args[i+2] == "jsonl") {
			return true
		}
	}
	return false
}
