#!/bin/bash
# xfrm_backend.sh: libxfrm against a kernel with ESP. Runs the whole test_xfrm
# program inside a lab guest, where the SA tests that skip on an ESP-less host
# (tests/unit/xfrm/xfrm_sa_kernel_test.cpp) really install SAs. A skipped SA
# test here is a failure: the lab kernel has every algorithm we use. (The one
# host-only test, "SA add fails naming the missing ESP", skips here by design.)
#   tests/kernel/xfrm_backend.sh [BUILD_DIR]   (default: $IKEV2D_LAB_BUILD_DIR, else build/)
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
lab_require_guest "$@"

build=${1:-${IKEV2D_LAB_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/build}}
bin=$build/tests/test_xfrm
[ -x "$bin" ] || lab_fail "no $bin: build the 'default' preset first"

# The binary must come from an unsanitized build: ASan cannot reserve its
# shadow memory inside UML (scripts/test passes the 'default' preset's tree).
out=$LAB_OUT/test_xfrm.log
"$bin" >"$out" 2>&1
rc=$?
grep -vE '^\[ +(RUN|OK) +\]' "$out"
[ "$rc" = 0 ] || lab_fail "test_xfrm failed in the lab kernel (rc $rc)"
if grep -q '^\[  SKIPPED \] sa_kernel\.' "$out"; then
  lab_fail "SA tests were skipped in the lab kernel, which has ESP: see above"
fi
grep -q '^\[       OK \] sa_kernel\.' "$out" || lab_fail "no SA test ran in the lab kernel"
echo "xfrm_backend: libxfrm passed against the ESP-capable lab kernel"
