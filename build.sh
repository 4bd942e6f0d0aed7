#!/usr/bin/env bash
# mailmig's one entry point for people and CI.
#   ./build.sh demo   install what is missing, build, run mailmig on a copy of the sample home
#   ./build.sh test   install what is missing, build, run every test with ctest
#   ./build.sh build  install what is missing and build only
#   ./build.sh fuzz   build the libFuzzer targets with clang and run each for FUZZ_SECONDS (30)
#   ./build.sh lint   the include layering, clang-format and clang-tidy over the product code
#   ./build.sh windows  cross-build mailmig.exe and its tests with MinGW-w64, run them under Wine
# Environment: BUILD_DIR (default build), MAILMIG_WERROR=1, MAILMIG_SANITIZE=1, JOBS,
# MAILMIG_SHARED_DIR (the shared reference folder the tests read; default ../shared).
set -euo pipefail
cd "$(dirname "$0")"

command_name=${1:-}
BUILD_DIR=${BUILD_DIR:-build}
WINDOWS_BUILD_DIR=${WINDOWS_BUILD_DIR:-build-windows}
JOBS=${JOBS:-$(nproc)}

# Debian 12 packages the build and the tests need (a minimal Debian lacks `file`, which CPack's
# DEB generator needs for dpkg-shlibdeps; `passwd` brings useradd for the root-over-home tests).
PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libboost-filesystem-dev libpugixml-dev libsqlitecpp-dev libsqlite3-dev
  nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev gettext nettle-dev libdtl-dev
  libgnutls28-dev
  sqlite3 python3 dpkg-dev groff-base ansible-core lintian
  file passwd
)

# `./build.sh lint` only (Debian 12's are version 14; run-clang-tidy comes with clang-tidy).
LINT_PACKAGES=(clang-format clang-tidy)

# The census page test (tests/report/census_page_test.sh) opens the page in a real browser; a
# Japanese font so names are drawn. Installed by `./build.sh test` only: the demo needs neither.
TEST_PACKAGES=(chromium fonts-ipafont-gothic)

# The end-to-end test's real servers and clients (MAILMIG_E2E=ON); procps brings pkill.
E2E_PACKAGES=(
  dovecot-core dovecot-pop3d dovecot-imapd dovecot-lmtpd postfix xvfb xauth
  sylpheed claws-mail thunderbird openssl iproute2 util-linux procps
)

# The Windows cross build (./build.sh windows): the compiler, Wine to run the tests, and what
# scripts/windows-deps.sh needs to build the dependencies from Debian's source packages; openssl
# makes the endpoint probe test's certificates.
WINDOWS_PACKAGES=(g++-mingw-w64-x86-64-posix wine wine64 m4 tcl xz-utils openssl)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
  local missing=()
  for package in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
}

configure_and_build() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMAILMIG_WERROR="${MAILMIG_WERROR:-OFF}" "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
}

# apt-get source needs the deb-src lines Debian's images leave out: a deb-src twin of every
# source, in the deb822 form (/etc/apt/sources.list.d/*.sources, Debian 12's images) and in
# the one-line form (/etc/apt/sources.list, debootstrap and older installs).
enable_source_packages() {
  if ! apt-cache showsrc pugixml 2>/dev/null | grep -q '^Version'; then
    local sources
    for sources in /etc/apt/sources.list.d/*.sources; do
      [ -f "$sources" ] && [ "${sources%-src.sources}" = "$sources" ] || continue
      sed 's/^Types: deb$/Types: deb-src/' "$sources" |
        as_root tee "${sources%.sources}-src.sources" >/dev/null
    done
    { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
      sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' |
      as_root tee /etc/apt/sources.list.d/mailmig-deb-src.list >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  fi
}

# The Windows dependencies are built once into a folder named after their pinned versions (the
# script's contents) and reused: MAILMIG_WINDOWS_DEPS overrides the folder.
windows_deps_folder() {
  local key
  key=$({ cat scripts/windows-deps.sh cmake/mingw-w64-x86_64.cmake
    x86_64-w64-mingw32-g++-posix --version | head -1; } | sha256sum | cut -c1-16)
  echo "${MAILMIG_WINDOWS_DEPS:-${XDG_CACHE_HOME:-$HOME/.cache}/mailmig-windows-deps/$key}"
}

# Wine keeps every pipe it inherits open (a `wine x.exe | ...` never ends): its server is started
# here, detached, with every standard stream on a file, and lingers a minute after the last test.
start_wine_server() {
  export WINEPREFIX=$PWD/$WINDOWS_BUILD_DIR/wine-prefix WINEDEBUG=-all WINEDLLOVERRIDES=mscoree,mshtml=
  mkdir -p "$WINEPREFIX"
  # Fails (exit 2) when a server for this prefix still runs from a moment ago: that one serves.
  setsid wineserver -p60 </dev/null >"$WINDOWS_BUILD_DIR/wineserver.log" 2>&1 || true
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    wineboot -i </dev/null >"$WINDOWS_BUILD_DIR/wineboot.log" 2>&1
  fi
  # Wine's own services (services.exe, winedevice.exe) start with the first program and would
  # inherit CTest's pipe (its test discovery then waits two minutes for an end that never
  # comes): one program started here, away from any pipe, starts them.
  wine cmd.exe /c exit </dev/null >"$WINDOWS_BUILD_DIR/wine-warmup.log" 2>&1
}

build_windows() {
  local deps
  deps=$(windows_deps_folder)
  if [ ! -f "$deps/complete" ]; then
    enable_source_packages
    rm -rf "$deps.partial"
    scripts/windows-deps.sh "$deps.partial"
    touch "$deps.partial/complete"
    rm -rf "$deps"
    mv "$deps.partial" "$deps"
  fi
  mkdir -p "$WINDOWS_BUILD_DIR"
  cmake -S . -B "$WINDOWS_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake -DMAILMIG_WINDOWS_DEPS="$deps" \
    ${MAILMIG_SHARED_DIR:+-DMAILMIG_SHARED_DIR="$MAILMIG_SHARED_DIR"} \
    -DMAILMIG_WERROR="${MAILMIG_WERROR:-OFF}" >/dev/null
  cmake --build "$WINDOWS_BUILD_DIR" -j "$JOBS"
  # Started after the build, which outlasts the server's minute of lingering.
  start_wine_server
  # Under load Wine now and then fails to start a test's process (it fails at once, printing
  # nothing): the failed tests run once more, and a test that fails again fails the stage.
  if ! ctest --test-dir "$WINDOWS_BUILD_DIR" --output-on-failure -j "$JOBS" </dev/null; then
    echo "windows: running the failed tests once more" >&2
    ctest --test-dir "$WINDOWS_BUILD_DIR" --rerun-failed --output-on-failure </dev/null
  fi
  # mailmig-<version>-windows-x64.zip (cmake/MailmigPackagingWindows.cmake), in the build folder.
  (cd "$WINDOWS_BUILD_DIR" && cpack -G ZIP >/dev/null)
  ls "$WINDOWS_BUILD_DIR"/mailmig-*-windows-x64.zip
}

case "$command_name" in
  demo)
    install_missing
    configure_and_build "$BUILD_DIR"
    ./fixtures/demo.sh "$BUILD_DIR/mailmig"
    ;;
  test)
    if [ "${MAILMIG_E2E:-OFF}" = ON ]; then
      # Debian would start the packaged daemons on the ports the test needs; say "no" first.
      as_root sh -c 'echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections'
      as_root sh -c 'echo "postfix postfix/mailname string mail.example.test" | debconf-set-selections'
      install_missing "${TEST_PACKAGES[@]}" "${E2E_PACKAGES[@]}"
      as_root service postfix stop >/dev/null 2>&1 || true
      as_root service dovecot stop >/dev/null 2>&1 || true
    else
      install_missing "${TEST_PACKAGES[@]}"
    fi
    configure_and_build "$BUILD_DIR" -DMAILMIG_SANITIZE="${MAILMIG_SANITIZE:-OFF}" \
      -DMAILMIG_E2E="${MAILMIG_E2E:-OFF}"
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS"
    ;;
  build)
    install_missing
    configure_and_build "$BUILD_DIR"
    ;;
  lint)
    install_missing "${LINT_PACKAGES[@]}"
    # clang-tidy needs only the compile database, not a build.
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    sh scripts/lint.sh "$BUILD_DIR" "$JOBS"
    ;;
  fuzz)
    install_missing clang libclang-rt-14-dev
    FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz} bash fuzz/run_all.sh
    ;;
  windows)
    install_missing "${WINDOWS_PACKAGES[@]}"
    build_windows
    ;;
  *)
    echo "usage: ./build.sh demo|test|build|fuzz|lint|windows" >&2
    exit 2
    ;;
esac
