# What `mailmig --version` says besides the version: the commit, the build date and the
# platform, fixed when CMake configures the build (configure again to refresh the commit).
#
# The date honours SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/):
# string(TIMESTAMP) reads it, so a build given the same epoch says the same date. Outside a git
# checkout (a source tarball) the commit is "unknown".
#
# mailmig_build_info(COMMIT_VAR DATE_VAR PLATFORM_VAR): sets the three variables in the caller.
# Also runs in script mode (cmake -P) with CMAKE_SYSTEM_NAME/PROCESSOR given, for the test.
function(mailmig_build_info commit_var date_var platform_var)
  set(commit unknown)
  find_package(Git QUIET)
  if(GIT_FOUND)
    execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
                    WORKING_DIRECTORY ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/..
                    OUTPUT_VARIABLE git_commit OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE git_failed ERROR_QUIET)
    if(NOT git_failed AND git_commit)
      set(commit ${git_commit})
    endif()
  endif()
  string(TIMESTAMP date "%Y-%m-%d %H:%M:%S UTC" UTC)
  set(${commit_var} ${commit} PARENT_SCOPE)
  set(${date_var} ${date} PARENT_SCOPE)
  set(${platform_var} "${CMAKE_SYSTEM_NAME} ${CMAKE_SYSTEM_PROCESSOR}" PARENT_SCOPE)
endfunction()
