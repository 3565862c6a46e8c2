# Reads one nestos-installer config file (YAML) the way serde_yaml would for
# a flat mapping of option names, and prints one line per value:
#   S <TAB> key <TAB> P|Q|N <TAB> value   scalar: plain, quoted or null
#   L <TAB> key <TAB> P|Q <TAB> value     one sequence item
#   E <TAB> key                           an explicitly empty sequence ([])
#   ERR <TAB> message                     the file is rejected (exit status 1)
# Only the YAML a converter plausibly writes is understood (block and flow
# sequences, plain and quoted scalars, comments). Anything else is rejected
# with a message starting "stand-in YAML subset", so a test failure caused by
# the stand-in's limits is never mistaken for a converter bug.

function fail(msg) {
	print "ERR\t" msg
	failed = 1
	exit 1
}

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

# Drops a trailing comment: '#' at line start or after blank, outside quotes
# (a quote only opens a string at the start of a token).
function strip_comment(s,    i, c, prev, q) {
	q = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		prev = i == 1 ? " " : substr(s, i - 1, 1)
		if (q == "") {
			if (c == "#" && prev ~ /[ \t]/) return substr(s, 1, i - 1)
			if ((c == "\"" || c == "'") && prev ~ /[ \t\[,:]/) q = c
		} else if (c == q) {
			if (q == "'" || prev != "\\") q = ""
		}
	}
	return s
}

function scalar(v, where,    c) {
	v = trim(v)
	if (v == "" || v == "~" || v == "null" || v == "Null" || v == "NULL") return "N\t"
	c = substr(v, 1, 1)
	if (c == "\"") {
		if (length(v) < 2 || substr(v, length(v), 1) != "\"") fail("unterminated double-quoted string " where)
		v = substr(v, 2, length(v) - 2)
		gsub(/\\\\/, "\001", v)
		gsub(/\\"/, "\"", v)
		if (v ~ /\\/) fail("stand-in YAML subset: escape sequences other than \\\\ and \\\" are not supported " where)
		gsub(/\001/, "\\", v)
		return "Q\t" v
	}
	if (c == "'") {
		if (length(v) < 2 || substr(v, length(v), 1) != "'") fail("unterminated single-quoted string " where)
		v = substr(v, 2, length(v) - 2)
		gsub(/''/, "'", v)
		return "Q\t" v
	}
	if (c ~ /[&*!|>%@`{]/) fail("stand-in YAML subset: '" c "' (anchors, tags, block scalars, flow mappings) is not supported " where)
	if (v ~ /^-( |$)/ || c == "[") fail("invalid type: sequence inside a sequence " where)
	if (v ~ /: / || v ~ /:$/) fail("invalid type: map, expected a string " where)
	return "P\t" v
}

function close_pending() {
	if (pending != "" && items == 0) print "S\t" pending "\tN\t"
	pending = ""
}

function flow_sequence(key, v, where,    inner, i, c, q, cur, n) {
	if (substr(v, length(v), 1) != "]") fail("stand-in YAML subset: a flow sequence must close on the same line " where)
	inner = trim(substr(v, 2, length(v) - 2))
	if (inner == "") { print "E\t" key; return }
	q = ""; cur = ""; n = 0
	for (i = 1; i <= length(inner); i++) {
		c = substr(inner, i, 1)
		if (q == "" && (c == "[" || c == "{")) fail("invalid type: nested collection in sequence " where)
		if (q == "" && (c == "\"" || c == "'") && trim(cur) == "") q = c
		else if (q != "" && c == q) q = ""
		if (q == "" && c == ",") { emit_item(key, cur, where); cur = ""; n++; continue }
		cur = cur c
	}
	if (trim(cur) != "" || n == 0) emit_item(key, cur, where)
}

function emit_item(key, v, where,    r) {
	r = scalar(v, where)
	if (r ~ /^N/) fail("invalid type: unit value, expected a string (empty item in `" key "`) " where)
	print "L\t" key "\t" r
}

BEGIN { pending = ""; items = 0; content = 0; ended = 0 }

{
	line = $0
	sub(/\r$/, "", line)
	where = "at line " NR
	if (line ~ /^[ ]*\t/) fail("found a tab character that violates indentation " where)
	s = strip_comment(line)
	if (s ~ /^[ \t]*$/) next
	if (s ~ /^---([ \t]|$)/) {
		if (content) fail("stand-in YAML subset: more than one YAML document " where)
		if (trim(substr(s, 4)) != "") fail("stand-in YAML subset: content after '---' " where)
		next
	}
	if (s ~ /^\.\.\.[ \t]*$/) { ended = 1; next }
	if (ended) fail("deserializing from YAML containing more than one document is not supported " where)
	content = 1
	match(s, /[^ ]/)
	indent = RSTART - 1
	body = trim(substr(s, RSTART))

	if (body ~ /^-( |$)/) {
		if (pending == "") fail("invalid type: sequence, expected struct InstallConfig (or a sequence item without a key) " where)
		item = trim(substr(body, 2))
		if (item ~ /^[A-Za-z0-9_.-]+:( |$)/) fail("invalid type: map, expected a string (a mapping inside the `" pending "` sequence) " where)
		if (item ~ /^\[/) fail("invalid type: sequence, expected a string " where)
		emit_item(pending, item, where)
		items++
		next
	}
	if (indent > 0) fail("invalid type: map (unexpected indentation: the installer config is a flat mapping) " where)
	if (body !~ /^[^ :#'"\[{-][^:]*:( |$)/) fail("expected `key: value` " where ", got: " body)

	close_pending()
	colon = index(body, ":")
	key = trim(substr(body, 1, colon - 1))
	value = trim(substr(body, colon + 1))
	if (key in seen) fail("duplicate field `" key "` " where)
	seen[key] = 1
	if (value == "") { pending = key; items = 0; next }
	if (substr(value, 1, 1) == "[") { flow_sequence(key, value, where); next }
	print "S\t" key "\t" scalar(value, where)
}

END {
	if (failed) exit 1
	close_pending()
	if (!content) { print "ERR\tEOF while parsing a value (the file is empty)"; exit 1 }
}
