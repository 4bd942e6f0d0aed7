# cmake -P build_info_test.cmake: what cmake/MailmigBuildInfo.cmake gives `mailmig --version`.
# The date is SOURCE_DATE_EPOCH's when that is set (a reproducible build says the same date
# twice), the commit is the checkout's, the platform CMake's. The --version line itself is
# tested in tests/cli/command_line_test.cpp.
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/MailmigBuildInfo.cmake)
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(ENV{SOURCE_DATE_EPOCH} 1700000000)
mailmig_build_info(commit date platform)
if(NOT date STREQUAL "2023-11-14 22:13:20 UTC")
  message(FATAL_ERROR "SOURCE_DATE_EPOCH=1700000000 gave the date '${date}'")
endif()
string(LENGTH "${commit}" commit_length)
if(NOT (commit STREQUAL "unknown" OR (commit MATCHES "^[0-9a-f]+$" AND commit_length EQUAL 12)))
  message(FATAL_ERROR "commit '${commit}' is neither 12 hex digits nor unknown")
endif()
if(NOT platform STREQUAL "Linux x86_64")
  message(FATAL_ERROR "platform '${platform}'")
endif()

unset(ENV{SOURCE_DATE_EPOCH})
mailmig_build_info(commit date platform)
if(NOT date MATCHES "^20[0-9][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] UTC$"
   OR date MATCHES "^2023-11-14 ")
  message(FATAL_ERROR "without SOURCE_DATE_EPOCH the date is '${date}', not the time of the build")
endif()
message(STATUS "PASS: date ${date} (2023-11-14 22:13:20 UTC with SOURCE_DATE_EPOCH=1700000000), "
               "commit ${commit}, platform ${platform}")
