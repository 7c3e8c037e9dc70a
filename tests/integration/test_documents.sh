#!/usr/bin/env bash
# Requests that arrive as documents, through the real stack (redis-server,
# broker, intake, writ-extract, jurisdiction, notify; LMTP by swaks):
#  - the 14 PDF samples (9 text-layer, 5 scans, 2 labelled
#    application/octet-stream) decide and notify as labelled, field for
#    field, with their documents and text kept beside the case;
#  - an image (JPEG scan), a .docx, and a forwarded message/rfc822 whose
#    letter is a PDF are read;
#  - every hostile document (encrypted, PDF bomb, 500 pages, 20000 x 20000
#    image, corrupt, a converter crash) ends in review with a reason that
#    names the document, and the extract replica stays alive;
#  - SIGKILL of an extract replica in the middle of OCR loses nothing.
source "$(dirname "$0")/../lib.sh"
stack_env
export WRIT_NOTIFY_TODAY=2013-01-01
export WRIT_EXTRACT_LEASE_MS=30000         # the kill test waits for it (shorter: redeliveries under ASan)
export WRIT_EXTRACT_CPU_SECONDS=30
export WRIT_EXTRACT_TIMEOUT_SECONDS=90
pdfs=$src/tests/fixtures/pdf-requests
docs=$src/tests/fixtures/documents
msgs=$WRIT_RUN_DIR/msgs
mkdir -p "$msgs"

# --- messages built around the fixtures --------------------------------
python3 - "$msgs" "$docs" "$pdfs" <<'PY'
import email, email.policy, sys, os
from email.message import EmailMessage
out, docs, pdfs = sys.argv[1:4]

def mail(name, subject, attachments, sender="j.ortiz@dea.gov", body=None):
    m = EmailMessage()
    m["From"] = sender
    m["To"] = "legal-requests@northwind-cloud.example"
    m["Subject"] = subject
    m["Date"] = "Mon, 03 Mar 2025 10:00:00 +0000"
    m["Message-ID"] = f"<{name}@test.example>"
    m.set_content(body or "Please find the attached document.\n")
    for fname, ctype, data in attachments:
        if ctype == "message/rfc822":
            m.add_attachment(email.message_from_bytes(data, policy=email.policy.default))
            continue
        maintype, subtype = ctype.split("/")
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=fname)
    open(os.path.join(out, name + ".eml"), "wb").write(bytes(m))

def read(d, f):
    return open(os.path.join(d, f), "rb").read()

mail("docx", "Preservation request", [("letter.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     read(docs, "letter.docx"))])
mail("image", "Request (scan)", [("scan.jpg", "image/jpeg", read(docs, "scan-011.jpg"))])
mail("forward", "Fwd: National Security Letter NSL-WF-2024-00871",
     [(None, "message/rfc822", read(pdfs, "001.eml"))],
     sender="paralegal@northwind-cloud.example",
     body="Forwarding the attached request.\n")
for f, ctype in (("encrypted.pdf", "application/pdf"), ("bomb.pdf", "application/pdf"),
                 ("pages-500.pdf", "application/pdf"), ("huge-image.png", "image/png"),
                 ("corrupt.pdf", "application/pdf"), ("crash.pdf", "application/octet-stream")):
    mail("hostile-" + f.split(".")[0], "Request", [(f, ctype, read(docs, f))])
PY

# case_of MESSAGE-ID: the case id, or nothing yet.
case_of() {
    writctl case list --json | python3 -c '
import json, sys
print(next((c["id"] for c in json.load(sys.stdin) if c["message_id"] == sys.argv[1]), ""))' "$1"
}
# wait_state ID SECONDS STATE...: until the case is in one of the states.
wait_state() {
    local id=$1 secs=$2 deadline=$((SECONDS + $2)) st; shift 2
    while :; do
        st=$(writctl case show "$id" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
        for want in "$@"; do [ "$st" = "$want" ] && return 0; done
        [ $SECONDS -lt $deadline ] || fail "case $id still $st after ${secs}s"
        sleep 0.5
    done
}
extract_pids() { cat "$WRIT_RUN_DIR"/pids/extract.*.pid; }
extract_alive() {
    local p
    for p in $(extract_pids); do kill -0 "$p" 2>/dev/null || fail "extract replica $p died"; done
}

# The crash fixture makes the converting child fault on purpose.
export WRIT_TEST_FAULTS=1
stack_up --scale extract=2 --scale jurisdiction=1
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null

# --- SIGKILL of an extract replica mid-OCR ------------------------------
# A two-page scan: wait until a replica has a converting child (OCR under
# way), kill the replica; the child dies with it (PDEATHSIG), the case's
# lease expires and the sweeper hands it to a replica again.
lmtp_send "$pdfs/002.eml" >/dev/null || fail "LMTP refused 002"
deadline=$((SECONDS + 60)); victim=
while [ -z "$victim" ]; do
    for p in $(extract_pids); do
        pgrep -P "$p" >/dev/null && victim=$p && break
    done
    [ $SECONDS -lt $deadline ] || fail "no extract replica started converting 002"
    sleep 0.1
done
# The converting child runs below the daemons (extract/nice, 10): read its
# nice value (a just-forked child may not have set it yet: look again).
ni=
for _ in $(seq 50); do
    child=$(pgrep -P "$victim" | sed -n 1p || true)
    ni=$([ -n "$child" ] && ps -o ni= -p "$child" | tr -d ' ' || true)
    [ "$ni" = 10 ] && break
    sleep 0.1
done
[ "$ni" = 10 ] || fail "the converting child runs at nice '$ni', want 10 (extract/nice)"
kill -KILL "$victim"
id=$(case_of "pdf.BN7PR09MB2614A7C1E3D0B44F8C2D9E12@BN7PR09MB2614.namprd09.prod.outlook.com")
[ -n "$id" ] || fail "no case for 002"
"$src/scripts/stack" up --scale extract=2 >/dev/null    # restart the killed replica
wait_state "$id" 240 notified held review
writctl case text "$id" | grep -q "cian.murphy@northmail.example" \
    || fail "the text read for 002 does not show its account"
pass "SIGKILL of an extract replica mid-OCR: the case was read again and finished"

# --- the PDF samples, field for field and decided as labelled ------------
for eml in "$pdfs"/*.eml; do
    lmtp_send "$eml" >/dev/null || fail "LMTP delivery of $(basename "$eml") refused"
done
wait_all_finished 14 600
WRIT_CHECK_LABELS=$pdfs python3 "$src/tests/integration/check_samples.py"
# What was read is kept: documents with their metadata, and the text.
id=$(case_of "pdf.BN7PR09MB2614A7C1E3D0B44F8C2D9E12@BN7PR09MB2614.namprd09.prod.outlook.com")
writctl case text "$id" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
doc = d["documents"][0]
assert doc["method"] == "ocr" and doc["detected_type"] == "pdf", doc
assert 0 < doc["ocr_confidence"] <= 100 and len(doc["sha256"]) == 64 and doc["pages"] == 2, doc
assert "13 Mag. 3097" in d["text"], d["text"][:200]'
pass "14 PDF samples through the stack as labelled; documents and text kept"

# --- image, docx, forwarded PDF ------------------------------------------
for m in docx image forward; do lmtp_send "$msgs/$m.eml" >/dev/null || fail "LMTP refused $m"; done
check_request() {  # check_request MSGID PYTHON-ASSERTIONS-ON-r
    local id; id=$(case_of "$1")
    [ -n "$id" ] || fail "no case for $1"
    wait_state "$id" 240 notified held review
    writctl case show "$id" --json | python3 -c "
import json, sys
c = json.load(sys.stdin); r = c['request']
assert 'document' not in (c['review_reason'] or ''), c['review_reason']
$2" || fail "$1: request not as expected: $(writctl case show "$id" --json | head -c 1500)"
}
check_request docx@test.example '
assert r["request_type"] == "preservation_request", r
assert r["reference"] == "DEA-PRV-2025-0412", r
assert r["accounts"] == ["r.tanaka@northmail.example"], r'
check_request image@test.example '
assert r["accounts"] == ["blue.heron.22@northmail.example"], r'
check_request forward@test.example '
assert r["from"] == "paralegal@northwind-cloud.example", r
assert r["request_type"] == "national_security_letter", r
assert r["reference"] == "NSL-WF-2024-00871", r
assert r["accounts"] == ["m.kessler@northmail.example"], r'
pass "a JPEG scan, a .docx and a forwarded message with a PDF are read"

# --- hostile documents ----------------------------------------------------
for f in encrypted bomb pages-500 huge-image corrupt crash; do
    lmtp_send "$msgs/hostile-$f.eml" >/dev/null || fail "LMTP refused hostile-$f"
done
expect_review() {  # expect_review NAME FILE WHY
    local id; id=$(case_of "hostile-$1@test.example")
    [ -n "$id" ] || fail "no case for hostile-$1"
    wait_state "$id" 300 review
    local why; why=$(writctl case show "$id" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["review_reason"])')
    case $why in
        *"\"$2\""*"$3"*) ;;
        *) fail "hostile-$1: review reason does not name $2 and \"$3\": $why" ;;
    esac
}
expect_review encrypted encrypted.pdf "encrypted PDF"
expect_review bomb bomb.pdf ""
expect_review pages-500 pages-500.pdf "500 pages"
expect_review huge-image huge-image.png "20000 x 20000 pixels"
expect_review corrupt corrupt.pdf "not one"
expect_review crash crash.pdf "converter crashed"
extract_alive
pass "hostile documents end in review with a reason naming the document; extract replicas alive"
