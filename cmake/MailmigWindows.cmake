# The Windows build's dependencies, from MAILMIG_WINDOWS_DEPS (scripts/windows-deps.sh): found
# as imported targets named as on Linux, so the rest of the build does not tell them apart.
if(NOT MAILMIG_WINDOWS_DEPS OR NOT EXISTS "${MAILMIG_WINDOWS_DEPS}/lib/libboost_filesystem.a")
  message(FATAL_ERROR "MAILMIG_WINDOWS_DEPS must name the folder scripts/windows-deps.sh built "
                      "(./build.sh windows does both)")
endif()
set(MAILMIG_WINDOWS_INCLUDE "${MAILMIG_WINDOWS_DEPS}/include")

add_library(Boost::filesystem STATIC IMPORTED)
set_target_properties(Boost::filesystem PROPERTIES
  IMPORTED_LOCATION "${MAILMIG_WINDOWS_DEPS}/lib/libboost_filesystem.a"
  INTERFACE_INCLUDE_DIRECTORIES "${MAILMIG_WINDOWS_INCLUDE}"
  INTERFACE_COMPILE_DEFINITIONS "BOOST_FILESYSTEM_STATIC_LINK=1;BOOST_ALL_NO_LIB"
  INTERFACE_LINK_LIBRARIES "bcrypt;advapi32")
# Debian's header-only libraries, linked into the dependency folder (not /usr/include, which
# holds glibc's headers).
foreach(target nlohmann_json::nlohmann_json CLI11::CLI11)
  add_library(${target} INTERFACE IMPORTED)
  set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES
                        "${MAILMIG_WINDOWS_INCLUDE}")
endforeach()

# Code pages and files come from kernel32, digests from bcrypt.
set(MAILMIG_PLATFORM_LIBS)
set(MAILMIG_PLATFORM_PRIVATE_LIBS bcrypt)
