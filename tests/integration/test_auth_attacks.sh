#!/usr/bin/env bash
# Forged sender authenticity against the live stack (issues 13 and 11):
# messages delivered straight to writ-intake over LMTP, each an attack on
# what writ believes about a request's sender, each built from a labelled
# sample whose genuine copy is decided `disclose`. Every attack must end
# unverified -- state review, no account decided disclose, the reason
# saying why -- while the genuine sample (the control, so the test can
# fail) still ends disclose:
#   forged-below   the sender's own "dmarc=pass" in the provider's name,
#                  below the gateway's "dmarc=fail"
#   no-gateway     the sender's results only, no gateway trace at all
#   header-from    the gateway's pass, but for another domain
#   two-from       a second From field
#   from-list      two addresses in one From field
#   inline-from    a provider-domain colleague's mail with a typed
#                  "From: ...@fbi.gov" in its body
#   forward-fail   a colleague's message/rfc822 forward whose original the
#                  gateway judged dmarc=fail (issue 11's reproduction)
# And a colleague's forward whose original passed is verified (013).
source "$(dirname "$0")/../lib.sh"
shopt -s extglob
stack_env
export WRIT_NOTIFY_TODAY=2013-01-01
stack_up
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
tmp=$WRIT_RUN_DIR/attacks; mkdir -p "$tmp"

# Each variant: a copy of a sample with its header edited (Python's email
# package is not used to rewrite: it would refold and reencode; plain text
# edits keep every other byte).
python3 - "$fixtures/requests" "$tmp" <<'PY'
import os, re, sys
src, out = sys.argv[1], sys.argv[2]
def load(name):
    return open(os.path.join(src, name), "rb").read().decode("latin-1").replace("\r\n", "\n")
def save(name, text, msgid):
    text = re.sub(r"(?mi)^Message-ID:.*$", f"Message-ID: <{msgid}@attack.test>", text, count=1)
    open(os.path.join(out, name + ".eml"), "wb").write(text.encode("latin-1"))
s001 = load("001.eml")
head, _, body = s001.partition("\n\n")
GW_FAIL = ("Authentication-Results: mx1.northwind-cloud.example;\n"
           "\tdkim=none; spf=fail smtp.mailfrom=fbi.gov;\n"
           "\tdmarc=fail (p=REJECT dis=NONE) header.from=fbi.gov\n")
save("control", s001, "control")
# The gateway's own results on top say fail; the sender's (the sample's,
# below the gateway's Received line) say pass.
save("forged-below", GW_FAIL + s001, "forged-below")
# No Received line of the provider's: straight from the sender.
save("no-gateway", re.sub(r"(?m)^Received:.*\n(?:[ \t].*\n)*", "", s001), "no-gateway")
save("header-from", s001.replace("header.from=fbi.gov", "header.from=evil.example", 1), "header-from")
save("two-from", s001.replace("\nFrom: ", "\nFrom: Mallory <m@evil.example>\nFrom: ", 1), "two-from")
save("from-list", re.sub(r"(?m)^(From: .*<DMWhitcombe@fbi.gov>)$", r"\1, Mallory <m@evil.example>", s001, count=1), "from-list")
# A colleague's own mail (passed by the gateway), the NSL pasted in below a
# typed forward header.
inline = ("Received: from internal-relay.northwind-cloud.example ([10.12.4.18])\n"
          "\tby mx1.northwind-cloud.example with ESMTP id 4ZsN2C0Pq1z3Hm7\n"
          "\tfor <legal-requests@northwind-cloud.example>; Tue, 16 Jul 2024 11:47:30 -0400\n"
          "Authentication-Results: mx1.northwind-cloud.example;\n"
          "\tdkim=pass header.d=northwind-cloud.example;\n"
          "\tspf=pass smtp.mailfrom=p.raman@northwind-cloud.example;\n"
          "\tdmarc=pass (p=REJECT dis=NONE) header.from=northwind-cloud.example\n"
          "From: Priya Raman <p.raman@northwind-cloud.example>\n"
          "To: Legal Requests <legal-requests@northwind-cloud.example>\n"
          "Subject: Fwd: National Security Letter NSL-WF-2024-00871\n"
          "Date: Tue, 16 Jul 2024 11:47:22 -0400\n"
          "Message-ID: <x@y>\n"
          "MIME-Version: 1.0\n"
          "Content-Type: text/plain; charset=\"us-ascii\"\n\n"
          "Legal team, this came to support@.\n\n"
          "---------- Forwarded message ---------\n"
          "From: \"Whitcombe, Dana M. (WF) (FBI)\" <DMWhitcombe@fbi.gov>\n"
          "Date: Tue, 16 Jul 2024 14:42:17 +0000\n"
          "Subject: National Security Letter NSL-WF-2024-00871\n"
          "To: support@northwind-cloud.example\n\n" + body)
save("inline-from", inline, "inline-from")
s013 = load("013.eml")
i = s013.index("message/rfc822")
inner = s013[i:].replace("dkim=pass header.d=fbi.gov", "dkim=none", 1) \
                .replace("spf=pass smtp.mailfrom=mholloway@fbi.gov", "spf=fail smtp.mailfrom=mholloway@fbi.gov", 1) \
                .replace("dmarc=pass (p=REJECT dis=NONE) header.from=fbi.gov", "dmarc=fail header.from=fbi.gov", 1)
save("forward-fail", s013[:i] + inner, "forward-fail")
save("forward-pass", s013, "forward-pass")
PY

attacks="forged-below no-gateway header-from two-from from-list inline-from forward-fail"
for v in control forward-pass $attacks; do
    lmtp_send "$tmp/$v.eml" >/dev/null || fail "LMTP delivery of $v refused"
done
wait_all_finished 9 60

# verdict MSGID: "state verified decisions... | account reasons" of that case.
verdict() {
    writctl case list --json | python3 -c '
import json, subprocess, sys
want = sys.argv[1] + "@attack.test"
for c in json.load(sys.stdin):
    if (c.get("message_id") or "") == want:
        s = json.loads(subprocess.check_output([sys.argv[2], "case", "show", c["id"], "--json"]))
        print(s["state"], s["request"]["authenticity"]["verified"],
              ",".join(a["decision"] for a in s["accounts"]), "|",
              " || ".join(a["reason"] or "" for a in s["accounts"]))
        break' "$1" "$bin/writctl"
}

got=$(verdict control)
[[ $got == @(notified|held)" True disclose |"* ]] || fail "control (sample 001 as sent): $got"
pass "control: the genuine sample is verified and decided disclose"
got=$(verdict forward-pass)
[[ $got == @(notified|held)" True "* ]] || fail "forward-pass (sample 013 as sent): $got"
pass "a colleague's forward whose original the gateway passed is verified (013)"

declare -A why=(
    [forged-below]="DMARC fail"
    [no-gateway]="no Authentication-Results where it writes them"
    [header-from]="is for evil.example, not for the From domain fbi.gov"
    [two-from]="2 From field(s)"
    [from-list]="1 From field(s) with 2 address(es)"
    [inline-from]="forwarded by p.raman@northwind-cloud.example; the original sender could not be verified (the forward is inline"
    [forward-fail]="forwarded by p.raman@northwind-cloud.example; the original sender could not be verified (the provider's gateway reports DMARC fail"
)
for v in $attacks; do
    got=$(verdict "$v")
    [ -n "$got" ] || fail "$v: no case"
    read -r state verified decisions _ <<<"$got"
    [ "$state" = review ] || fail "$v: state $state, want review ($got)"
    [ "$verified" = False ] || fail "$v: verified ($got)"
    [[ ,$decisions, != *,disclose,* ]] || fail "$v: decided disclose ($got)"
    [[ $got == *"${why[$v]}"* ]] || fail "$v: reason does not say '${why[$v]}': $got"
    pass "$v: review, not verified, no disclose (${why[$v]})"
done
# Nothing went out for any attack: the control's and 013's notices only.
n=$(find "$WRIT_RUN_DIR/outbox/new" -type f | wc -l)
want=$(python3 -c '
import json,sys
print(sum(sum(1 for v in json.load(open(f))["expected"]["notices"].values() if v == "prepared") for f in sys.argv[1:]))' \
    "$fixtures/requests/001.json" "$fixtures/requests/013.json")
[ "$n" -eq "$want" ] || fail "outbox holds $n notices, want $want (the control's and 013's)"
pass "no notice prepared for any attack ($n in the outbox: the control's and 013's)"

# A misspelt position is a configuration error, never a silent default.
if out=$(WRIT_INTAKE_TRUSTED_RESULTS=above writctl parse "$tmp/control.eml" 2>&1); then
    fail "intake/trusted_results = above was accepted"
fi
[[ $out == *"intake/trusted_results: 'above' is not above_received or trace_block"* ]] \
    || fail "unclear error for a bad intake/trusted_results: $out"
# The same message in both positions: the sample's gateway wrote its
# results below its Received line, which only trace_block accepts.
for where in trace_block above_received; do
    v=$(WRIT_INTAKE_TRUSTED_RESULTS=$where writctl parse "$tmp/control.eml" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["authenticity"]["verified"])')
    case $where in trace_block) want=True ;; *) want=False ;; esac
    [ "$v" = "$want" ] || fail "sample 001 with trusted_results = $where: verified $v, want $want"
done
pass "intake/trusted_results: a bad value is refused; above_received does not accept results below the gateway's Received line"
