#!/usr/bin/env bash
# Builds every contract under contracts/* to MVP wasm, optimises it, checks it with cosmwasm-check and writes
# artifacts/<crate_name>.wasm plus artifacts/checksums.txt (sha256sum format).
#
# Why this is not the cosmwasm/optimizer image: see ../shared/notes/wasm-toolchain.md. In short, there is no Docker and no
# wasm32 target to download here, and the prebuilt wasm32 std uses post-MVP features the VM refuses, so std is rebuilt
# with `-C target-cpu=mvp` (`-Zbuild-std`). The compiler is a rustup toolchain that has `rust-src` if there is one,
# otherwise Debian's `rustc-web` (+ its std source) unpacked into the git-ignored .toolchain/.
#
# Everything the script needs is installed on first use (idempotent): .toolchain/rustc-web, wasm-opt (Debian binaryen),
# .toolchain/bin/cosmwasm-check. Works non-interactively (CI=true, no stdin).
#
# Usage: bash scripts/build-wasm.sh [--check-reproducible] [--floor] [--no-check] [--help]
#   --check-reproducible  after the normal build, rebuild everything from an empty target dir (target/wasm-repro) and
#                         fail unless every optimised artifact is byte-identical to the first build.
#   --floor               instead of the contracts, build the size probe tests/size-floor (the smallest realistic
#                         contract) the same way, without and with its `querier` feature, into target/wasm/floor/,
#                         and print its sizes: the floor under the 300 KiB target (docs/wasm-size.md).
#   --no-check            neither install nor run cosmwasm-check (scripts/demo: the chain runs the same static checks
#                         when it stores a code, so a first run need not build the checker from source first;
#                         scripts/test.sh never passes this flag, so every artifact is checked there).
# Environment:
#   HMM_WASM_TOOLCHAIN=<rustup toolchain>  use this rustup toolchain (it must have the rust-src component)
#   HMM_WASM_DEBIAN=1                      always use the Debian rustc-web toolchain, even if a rustup one has rust-src
#   HMM_PHASE_LOG=<file>                   append one line per phase (name, start, end, note; tab-separated) for the
#                                          phase table that scripts/demo prints
set -eEuo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

TOOLCHAIN_DIR="$ROOT/.toolchain"
RUSTC_WEB_DIR="$TOOLCHAIN_DIR/rustc-web"
ARTIFACTS_DIR="$ROOT/artifacts"
TARGET_DIR="$ROOT/target/wasm"
REPRO_TARGET_DIR="$ROOT/target/wasm-repro"
WASM_TARGET="wasm32-unknown-unknown"
COSMWASM_CHECK_VERSION="3.0.10"
# What the target chain (wasmd with wasmvm 2.1, ../shared/notes/local-chain.md) offers.
CAPABILITIES="iterator,staking,stargate,cosmwasm_1_1,cosmwasm_1_2,cosmwasm_1_3,cosmwasm_1_4,cosmwasm_2_0,cosmwasm_2_1"
MAX_BYTES=$((600 * 1024))    # hard limit: fail above this
TARGET_BYTES=$((300 * 1024)) # our target: warn above this

CHECK_REPRO=0
FLOOR=0
CHECK=1
for arg in "$@"; do
    case "$arg" in
        --check-reproducible) CHECK_REPRO=1 ;;
        --floor) FLOOR=1 ;;
        --no-check) CHECK=0 ;;
        -h | --help)
            sed -n '2,/^set -eEuo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "build-wasm: unknown argument '$arg' (try --help)" >&2
            exit 2
            ;;
    esac
done

export DEBIAN_FRONTEND=noninteractive
log() { printf '== build-wasm: %s\n' "$*"; }
warn() { printf 'WARNING build-wasm: %s\n' "$*" >&2; }
die() {
    printf 'ERROR build-wasm: %s\n' "$*" >&2
    exit 1
}
now() { date +%s.%N; }
# phase NAME START [NOTE]: one line of scripts/demo's phase table (HMM_PHASE_LOG), ending now.
phase() { [ -z "${HMM_PHASE_LOG:-}" ] || printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$(now)" "${3:-}" >>"$HMM_PHASE_LOG"; }
count_wasm() { find "$1" -maxdepth 1 -name '*.wasm' -type f | wc -l; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not installed"; }

trap 'printf "ERROR build-wasm: failed at line %s (see the messages above)\n" "$LINENO" >&2' ERR

need_cmd cargo
need_cmd rustup
need_cmd sha256sum
mkdir -p "$TOOLCHAIN_DIR" "$ROOT/target"

# One run at a time per checkout (CI, the devnet scripts and a developer may call this concurrently).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$ROOT/target/.build-wasm.lock"
    if ! flock -n 9; then
        log "waiting for another build-wasm run in this checkout to finish"
        flock 9
    fi
fi

# ---------------------------------------------------------------------------------------------------------------------
# apt helpers: `apt-get update` at most once per run, and only when a package cannot be found.
APT_UPDATED=0
apt_update_once() {
    if [ "$APT_UPDATED" = 0 ]; then
        log "apt-get update (package lists are missing or stale)"
        if [ "$(id -u)" = 0 ]; then
            apt-get -qq -o DPkg::Lock::Timeout=600 update </dev/null || die "apt-get update failed"
        else
            need_cmd sudo
            sudo -n apt-get -qq -o DPkg::Lock::Timeout=600 update </dev/null || die "apt-get update failed (needs root)"
        fi
        APT_UPDATED=1
    fi
}

# apt_download DIR PKG: download PKG's .deb into DIR (no root needed), updating the package lists once if needed.
apt_download() {
    local dir="$1" pkg="$2"
    if ! (cd "$dir" && apt-get -qq -o APT::Sandbox::User=root download "$pkg" </dev/null >/dev/null 2>&1); then
        apt_update_once
        (cd "$dir" && apt-get -qq -o APT::Sandbox::User=root download "$pkg" </dev/null) ||
            die "apt-get download $pkg failed"
    fi
}

# ---------------------------------------------------------------------------------------------------------------------
# 1. The compiler: a rustup toolchain with rust-src, else Debian's rustc-web unpacked into .toolchain/rustc-web.
t_phase=$(now)
compiler_note="present"
HOST_SYSROOT="$(env -u RUSTC rustc --print sysroot)"
LLD="$HOST_SYSROOT/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
[ -x "$LLD" ] || die "rust-lld not found at $LLD (it ships with every rustup toolchain)"

has_rust_src() { # $1 = rustup toolchain name
    local sysroot
    sysroot="$(rustup run "$1" rustc --print sysroot 2>/dev/null)" || return 1
    [ -f "$sysroot/lib/rustlib/src/rust/library/std/Cargo.toml" ]
}

RUSTUP_TC=""
if [ "${HMM_WASM_DEBIAN:-0}" != 1 ]; then
    if [ -n "${HMM_WASM_TOOLCHAIN:-}" ]; then
        has_rust_src "$HMM_WASM_TOOLCHAIN" ||
            die "HMM_WASM_TOOLCHAIN=$HMM_WASM_TOOLCHAIN has no rust-src (rustup component add rust-src --toolchain $HMM_WASM_TOOLCHAIN)"
        RUSTUP_TC="$HMM_WASM_TOOLCHAIN"
    else
        # The default toolchain first, then the others.
        default_tc="$(rustup default 2>/dev/null | awk '{print $1}')"
        for tc in $default_tc $(rustup toolchain list 2>/dev/null | awk '{print $1}'); do
            if has_rust_src "$tc"; then
                RUSTUP_TC="$tc"
                break
            fi
        done
    fi
fi

install_rustc_web() {
    local debs="$TOOLCHAIN_DIR/debs" tmp="$TOOLCHAIN_DIR/rustc-web.tmp"
    log "installing Debian rustc-web + std source into $RUSTC_WEB_DIR"
    # Always refresh the package lists first: a machine's lists can be months old, and then `apt-get download` gets an
    # older point release (bookworm's 1.85 instead of bookworm-security's 1.96), which builds ~7 % larger wasm.
    apt_update_once
    rm -rf "$debs" "$tmp"
    mkdir -p "$debs" "$tmp"
    # rustc-web -> libstd-rust-web-dev -> libstd-rust-web-<ver> -> libllvm<N>: follow the exact Depends of each .deb,
    # so the set stays consistent when Debian ships a new point release.
    local queue="rustc-web rust-web-src libstd-rust-web-dev" done_pkgs=" " pkg deb dep f
    while [ -n "$queue" ]; do
        pkg="${queue%% *}"
        if [ "$queue" = "$pkg" ]; then queue=""; else queue="${queue#* }"; fi
        case "$done_pkgs" in *" $pkg "*) continue ;; esac
        apt_download "$debs" "$pkg"
        deb=""
        for f in "$debs/${pkg}"_*.deb; do [ -f "$f" ] && deb="$f" && break; done
        [ -n "$deb" ] || die "downloaded $pkg but found no .deb in $debs"
        done_pkgs="$done_pkgs$pkg "
        for dep in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' |
            grep -E '^(libstd-rust-web|libllvm)' || true); do
            queue="${queue:+$queue }$dep"
        done
    done
    for deb in "$debs"/*.deb; do dpkg -x "$deb" "$tmp"; done
    rm -rf "$RUSTC_WEB_DIR"
    mv "$tmp" "$RUSTC_WEB_DIR"
    rm -rf "$debs"
}

RUSTC_WEB_WRAPPER="$TOOLCHAIN_DIR/bin/rustc-web"
# The oldest Debian rustc-web the artifacts are built and sized with (1.85 makes them ~7 % larger: poai > 600 KiB).
RUSTC_WEB_MIN_MINOR=96
rustc_web_minor() { # the minor version of the installed Debian rustc ("rustc 1.96.0 ..." -> 96), or 0
    "$RUSTC_WEB_WRAPPER" --version 2>/dev/null | awk '{split($2, v, "."); print v[2] + 0; exit}'
}
rustc_web_ok() {
    [ -x "$RUSTC_WEB_WRAPPER" ] &&
        [ -f "$RUSTC_WEB_DIR/usr/lib/rustlib/src/rust/library/std/Cargo.toml" ] &&
        "$RUSTC_WEB_WRAPPER" --version >/dev/null 2>&1 &&
        [ "$(rustc_web_minor)" -ge "$RUSTC_WEB_MIN_MINOR" ]
}

RUST_SRC=""
if [ -n "$RUSTUP_TC" ]; then
    log "compiler: rustup toolchain '$RUSTUP_TC' (has rust-src)"
    CARGO=(rustup run "$RUSTUP_TC" cargo)
    RUST_SRC="$(rustup run "$RUSTUP_TC" rustc --print sysroot)/lib/rustlib/src/rust"
    unset RUSTC
else
    if ! rustc_web_ok; then
        mkdir -p "$(dirname "$RUSTC_WEB_WRAPPER")"
        # Debian's rustc needs its own libLLVM/librustc_driver: a wrapper sets LD_LIBRARY_PATH for rustc only.
        cat >"$RUSTC_WEB_WRAPPER" <<EOF
#!/bin/sh
LD_LIBRARY_PATH="$RUSTC_WEB_DIR/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "$RUSTC_WEB_DIR/usr/bin/rustc" "\$@"
EOF
        chmod +x "$RUSTC_WEB_WRAPPER"
        # Missing, broken, or older than RUSTC_WEB_MIN_MINOR (left by an earlier run): (re)install.
        rustc_web_ok || { install_rustc_web && compiler_note="installed now (apt-get update + download)"; }
        [ "$(rustc_web_minor)" -ge "$RUSTC_WEB_MIN_MINOR" ] ||
            die "Debian offers rustc-web 1.$(rustc_web_minor) only; these artifacts need 1.$RUSTC_WEB_MIN_MINOR or later (bookworm-security)"
        rustc_web_ok || die "the Debian rustc in $RUSTC_WEB_DIR does not run; delete $RUSTC_WEB_DIR and retry"
    fi
    log "compiler: Debian rustc-web in .toolchain ($("$RUSTC_WEB_WRAPPER" --version)), cargo from rustup"
    CARGO=(env -u RUSTUP_TOOLCHAIN cargo)
    export RUSTC="$RUSTC_WEB_WRAPPER"
fi
phase "wasm compiler (${RUSTUP_TC:+rustup $RUSTUP_TC}${RUSTUP_TC:-Debian rustc-web, .toolchain/})" "$t_phase" "$compiler_note"

# ---------------------------------------------------------------------------------------------------------------------
# 2. wasm-opt (Debian binaryen).
t_phase=$(now)
wasm_opt_note="present (machine-wide)"
if ! command -v wasm-opt >/dev/null 2>&1; then
    wasm_opt_note="installed now (apt-get install binaryen)"
    log "installing binaryen (wasm-opt) with apt-get"
    install_binaryen() {
        if [ "$(id -u)" = 0 ]; then
            apt-get -qq -o DPkg::Lock::Timeout=600 install -y --no-install-recommends binaryen </dev/null
        else
            sudo -n apt-get -qq -o DPkg::Lock::Timeout=600 install -y --no-install-recommends binaryen </dev/null
        fi
    }
    install_binaryen >/dev/null 2>&1 || { apt_update_once && install_binaryen; } || die "could not install binaryen"
fi
WASM_OPT="$(command -v wasm-opt)"
phase "wasm-opt (Debian binaryen)" "$t_phase" "$wasm_opt_note"
log "wasm-opt: $("$WASM_OPT" --version)"

# ---------------------------------------------------------------------------------------------------------------------
# 3. cosmwasm-check (the VM's own static checks), pinned; not with --no-check.
t_phase=$(now)
COSMWASM_CHECK="$TOOLCHAIN_DIR/bin/cosmwasm-check"
if [ "$CHECK" = 0 ]; then
    log "cosmwasm-check: skipped (--no-check; the chain checks each code when it stores it)"
    phase "cosmwasm-check install" "$t_phase" "skipped (--no-check)"
else
    check_note="present"
    if ! { [ -x "$COSMWASM_CHECK" ] && "$COSMWASM_CHECK" --version 2>/dev/null | grep -q " $COSMWASM_CHECK_VERSION"; }; then
        if command -v cosmwasm-check >/dev/null 2>&1 &&
            cosmwasm-check --version 2>/dev/null | grep -q " $COSMWASM_CHECK_VERSION"; then
            COSMWASM_CHECK="$(command -v cosmwasm-check)"
        else
            log "installing cosmwasm-check $COSMWASM_CHECK_VERSION into .toolchain (builds from source, ~5 min on 2 cores, once)"
            env -u RUSTC cargo install --quiet --locked --root "$TOOLCHAIN_DIR" cosmwasm-check --version "$COSMWASM_CHECK_VERSION" </dev/null ||
                die "cargo install cosmwasm-check failed"
            check_note="built from source now (cargo install)"
        fi
    fi
    log "cosmwasm-check: $("$COSMWASM_CHECK" --version)"
    phase "cosmwasm-check install" "$t_phase" "$check_note"
fi

# run_check DIR_OR_FILES...: cosmwasm-check with the target chain's capabilities (a no-op with --no-check).
run_check() {
    [ "$CHECK" = 1 ] || return 0
    local t
    t=$(now)
    "$COSMWASM_CHECK" --available-capabilities "$CAPABILITIES" "$@" </dev/null || return 1
    phase "cosmwasm-check run ($# wasm)" "$t"
}

# ---------------------------------------------------------------------------------------------------------------------
# 4. Discover the contract crates.
CRATES=()
for manifest in contracts/*/Cargo.toml; do
    [ -f "$manifest" ] || continue
    name="$(sed -n '/^\[package\]/,/^\[/{s/^name[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p}' "$manifest" | head -n1)"
    [ -n "$name" ] || die "no package name in $manifest"
    if ! grep -q '"cdylib"' "$manifest"; then
        warn "skipping $name ($manifest has no cdylib crate-type)"
        continue
    fi
    CRATES+=("$name")
done
[ "${#CRATES[@]}" -gt 0 ] || die "no contract crates found under contracts/*"
log "contracts: ${CRATES[*]}"

# Flags: MVP wasm (std rebuilt with the same flags), rustup's rust-lld, imports resolved by the VM at instantiation,
# absolute paths remapped so the bytes do not depend on where the repo or the cargo home lives.
# Size (measured on ai-token, wasm-opt -Oz output): `-Zlocation-detail=none` drops file:line:col from panic messages
# (-19 KB; the panic message itself still reaches the VM through cosmwasm-std's panic handler), and std's
# `optimize_for_size` feature picks its small implementations (-6 KB). Both keep every behaviour of the contract.
CARGO_HOME_DIR="${CARGO_HOME:-$HOME/.cargo}"
RUSTFLAGS_LIST=(
    -C target-cpu=mvp
    -C link-arg=--allow-undefined
    -C "linker=$LLD"
    -Zlocation-detail=none
    "--remap-path-prefix=$ROOT=/code"
    "--remap-path-prefix=$CARGO_HOME_DIR=/cargo"
)
# std's sources (inside .toolchain, hence under $ROOT, for the Debian toolchain).
[ -z "$RUST_SRC" ] || RUSTFLAGS_LIST+=("--remap-path-prefix=$RUST_SRC=/rust-src")
encoded=""
for f in "${RUSTFLAGS_LIST[@]}"; do encoded="${encoded:+$encoded$'\x1f'}$f"; done
unset RUSTFLAGS
export CARGO_ENCODED_RUSTFLAGS="$encoded"
export RUSTC_BOOTSTRAP=1 # -Zbuild-std on a stable toolchain
export CARGO_TERM_PROGRESS_WHEN=never

# cargo_wasm ARGS...: cargo build of a contract crate as MVP wasm, std rebuilt with the same flags.
cargo_wasm() {
    "${CARGO[@]}" build --release --lib --locked --target "$WASM_TARGET" \
        -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size "$@" </dev/null
}

# optimise RAW OUT: -Oz, strip what the optimizer image strips, and keep the output MVP: --mvp-features disables every
# post-MVP feature (bulk-memory, sign-ext, mutable-globals, ...), so wasm-opt can neither emit nor accept them.
optimise() {
    "$WASM_OPT" "$1" -o "$2" -Oz --mvp-features --strip-debug --strip-producers --strip-target-features
}

# build_all TARGET_DIR OUT_DIR: build each crate on its own (so a contract used as a library by another one never gets
# its "library" feature unified into its own build), then optimise into OUT_DIR.
build_all() {
    local target_dir="$1" out_dir="$2" crate file raw t
    mkdir -p "$out_dir"
    for crate in "${CRATES[@]}"; do
        log "cargo build $crate (target dir ${target_dir#"$ROOT"/})"
        t=$(now)
        cargo_wasm -p "$crate" --target-dir "$target_dir"
        phase "cargo build $crate" "$t" "$([ "$crate" = "${CRATES[0]}" ] && echo "incl. std (-Zbuild-std) and shared deps")"
        file="${crate//-/_}.wasm"
        raw="$target_dir/$WASM_TARGET/release/$file"
        [ -f "$raw" ] || die "cargo did not produce $raw"
        optimise "$raw" "$out_dir/$file"
        log "  $file: $(stat -c %s "$raw") bytes raw -> $(stat -c %s "$out_dir/$file") bytes optimised"
    done
}

# --floor: the size probe in two variants, then stop (artifacts/ untouched).
if [ "$FLOOR" = 1 ]; then
    FLOOR_DIR="$TARGET_DIR/floor"
    rm -rf "$FLOOR_DIR"
    mkdir -p "$FLOOR_DIR"
    for variant in plain querier; do
        features=()
        [ "$variant" = plain ] || features=(--features "$variant")
        log "cargo build size-floor ($variant)"
        cargo_wasm -p size-floor "${features[@]}" --target-dir "$TARGET_DIR"
        optimise "$TARGET_DIR/$WASM_TARGET/release/size_floor.wasm" "$FLOOR_DIR/size_floor_$variant.wasm"
    done
    run_check "$FLOOR_DIR"/*.wasm || die "cosmwasm-check refused a size probe"
    printf '\n| size probe (tests/size-floor) | bytes | KiB | left under the 300 KiB target |\n| --- | ---: | ---: | ---: |\n'
    for f in "$FLOOR_DIR"/*.wasm; do
        size=$(stat -c %s "$f")
        printf '| %s | %d | %d | %d |\n' "$(basename "$f")" "$size" $(((size + 1023) / 1024)) $((TARGET_BYTES - size))
    done
    exit 0
fi

STAGE="$TARGET_DIR/stage"
rm -rf "$STAGE"
start=$(date +%s)
build_all "$TARGET_DIR" "$STAGE"
log "built ${#CRATES[@]} contract(s) in $(($(date +%s) - start)) s"

mkdir -p "$ARTIFACTS_DIR"
rm -f "$ARTIFACTS_DIR"/*.wasm "$ARTIFACTS_DIR/checksums.txt"
mv "$STAGE"/*.wasm "$ARTIFACTS_DIR"/
rm -rf "$STAGE"
(cd "$ARTIFACTS_DIR" && sha256sum -- *.wasm >checksums.txt)

# ---------------------------------------------------------------------------------------------------------------------
# 5. Checks: cosmwasm-check and size limits.
[ "$CHECK" = 0 ] || log "cosmwasm-check --available-capabilities $CAPABILITIES"
run_check "$ARTIFACTS_DIR"/*.wasm || die "cosmwasm-check refused at least one artifact"

too_big=0
printf '\n| artifact | bytes | KiB | sha256 |\n| --- | ---: | ---: | --- |\n'
for f in "$ARTIFACTS_DIR"/*.wasm; do
    size=$(stat -c %s "$f")
    printf '| %s | %d | %d | %s |\n' "$(basename "$f")" "$size" $(((size + 1023) / 1024)) "$(sha256sum "$f" | cut -c1-16)"
done
echo
for f in "$ARTIFACTS_DIR"/*.wasm; do
    size=$(stat -c %s "$f")
    if [ "$size" -gt "$MAX_BYTES" ]; then
        printf 'ERROR build-wasm: %s is %d bytes, above the 600 KiB limit\n' "$(basename "$f")" "$size" >&2
        too_big=1
    elif [ "$size" -gt "$TARGET_BYTES" ]; then
        warn "$(basename "$f") is $size bytes, above our 300 KiB target"
    fi
done
[ "$too_big" = 0 ] || exit 1

# ---------------------------------------------------------------------------------------------------------------------
# 6. Optional: a clean rebuild must give byte-identical artifacts.
if [ "$CHECK_REPRO" = 1 ]; then
    log "reproducibility: rebuilding from an empty target dir"
    rm -rf "$REPRO_TARGET_DIR"
    start=$(date +%s)
    build_all "$REPRO_TARGET_DIR" "$REPRO_TARGET_DIR/stage"
    log "clean rebuild took $(($(date +%s) - start)) s"
    if (cd "$REPRO_TARGET_DIR/stage" && sha256sum --quiet -c "$ARTIFACTS_DIR/checksums.txt") &&
        [ "$(count_wasm "$REPRO_TARGET_DIR/stage")" = "$(count_wasm "$ARTIFACTS_DIR")" ]; then
        log "reproducible: the clean rebuild is byte-identical to artifacts/checksums.txt"
        rm -rf "$REPRO_TARGET_DIR"
    else
        die "NOT reproducible: a clean rebuild differs from artifacts/ (kept in ${REPRO_TARGET_DIR#"$ROOT"/}/stage)"
    fi
fi

log "done: artifacts/ ($(count_wasm "$ARTIFACTS_DIR") wasm + checksums.txt)"
