include(GoogleTest)

set(MAILMIG_SHARED_DIR "${CMAKE_SOURCE_DIR}/../shared" CACHE PATH
    "The shared folder beside the project (peer samples, format notes)")

# mailmig_add_test(NAME [LINK lib...] [USES_CLI] [RESOURCE_LOCK name] SOURCES source...)
# One GoogleTest executable, each test case a CTest test. LINK defaults to mailmig_core; a
# parser's tests link only their parser library so they build while other parts change.
# USES_CLI makes the test depend on the mailmig executable (its path is MAILMIG_EXE).
# RESOURCE_LOCK: no two tests holding the same lock run at the same time.
function(mailmig_add_test name)
  cmake_parse_arguments(ARG "USES_CLI" "RESOURCE_LOCK" "LINK;SOURCES" ${ARGN})
  if(NOT ARG_LINK)
    set(ARG_LINK mailmig_core)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LINK} mailmig_warnings GTest::gtest GTest::gmock
                        GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    MAILMIG_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    MAILMIG_SHARED_DIR="${MAILMIG_SHARED_DIR}"
    MAILMIG_BINARY_DIR="${CMAKE_BINARY_DIR}")
  if(ARG_USES_CLI)
    target_compile_definitions(${name} PRIVATE MAILMIG_EXE="$<TARGET_FILE:mailmig>")
    add_dependencies(${name} mailmig)
  endif()
  # Under Wine (the Windows build) a start costs seconds on a busy machine, not milliseconds,
  # and Wine names Linux files in the Linux locale's charset: C.UTF-8 lets a Japanese name exist.
  set(test_locale C)
  if(WIN32)
    set(test_locale C.UTF-8)
  endif()
  set(lock)
  if(ARG_RESOURCE_LOCK)
    set(lock RESOURCE_LOCK ${ARG_RESOURCE_LOCK})
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 120
                       PROPERTIES ENVIRONMENT "LANG=${test_locale};LC_ALL=;LANGUAGE=" ${lock})
endfunction()
