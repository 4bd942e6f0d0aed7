# The hardening Debian builds its own packages with (dpkg-buildflags with hardening=+all),
# for every target: position-independent executables, stack protector, fortified libc calls and
# a read-only GOT bound at start-up (lintian's hardening-no-pie, -no-stack-protector,
# -no-fortify-functions, -no-relro and -no-bindnow).
#
# _FORTIFY_SOURCE works only with optimisation, so a Debug build goes without it. The sanitizer
# and fuzz builds go without all of it: ASan replaces the functions fortification would check.
option(MAILMIG_HARDEN "Build with Debian's hardening flags (not with MAILMIG_SANITIZE/FUZZ)" ON)

# Read by the lintian test: only a fully hardened (so optimised) build can pass it.
set(MAILMIG_HARDENED OFF)
# The Windows build is not an ELF file: MinGW's linker makes it ASLR and DEP by default, and its
# stack protector would need libssp beside the .exe.
if(MAILMIG_HARDEN AND NOT MAILMIG_SANITIZE AND NOT MAILMIG_FUZZ AND NOT WIN32)
  if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
    set(MAILMIG_HARDENED ON)
  endif()
  include(CheckPIESupported)
  check_pie_supported(LANGUAGES CXX)
  set(CMAKE_POSITION_INDEPENDENT_CODE ON)
  add_compile_options(-fstack-protector-strong
                      "$<$<NOT:$<CONFIG:Debug>>:-U_FORTIFY_SOURCE;-D_FORTIFY_SOURCE=2>")
  add_link_options(-Wl,-z,relro,-z,now)
endif()
