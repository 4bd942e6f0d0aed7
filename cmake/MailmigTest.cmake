include(GoogleTest)

set(MAILMIG_SHARED_DIR "${CMAKE_SOURCE_DIR}/../shared" CACHE PATH
    "The shared folder beside the project (peer samples, format notes)")

# mailmig_add_test(NAME source...): one GoogleTest executable, each test case a CTest test.
function(mailmig_add_test name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE mailmig_core mailmig_warnings GTest::gtest GTest::gmock
                        GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    MAILMIG_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    MAILMIG_SHARED_DIR="${MAILMIG_SHARED_DIR}"
    MAILMIG_BINARY_DIR="${CMAKE_BINARY_DIR}"
    MAILMIG_EXE="$<TARGET_FILE:mailmig>")
  add_dependencies(${name} mailmig)
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
                       PROPERTIES ENVIRONMENT "LANG=C;LC_ALL=;LANGUAGE=")
endfunction()
