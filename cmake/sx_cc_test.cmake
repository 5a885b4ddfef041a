# sx_cc_test(NAME SOURCES... DEPS... [LABELS label] [SERIAL] [ON_POSTGRES]
#            [ONE_PROCESS_CASES gtest-pattern]): one
# GoogleTest binary registered with ctest. Tests are discovered per case so
# that ctest -j can spread them over cores. ON_POSTGRES runs the binary a
# second time, as the test <name>.on_postgres, with SX_TEST_STORAGE=postgres:
# the test's stores and hubs then keep their data in PostgreSQL
# (tests/support/test_storage.h), so one suite covers both backends.
include(GoogleTest)

function(sx_cc_test name)
  cmake_parse_arguments(ARG "SERIAL;ON_POSTGRES" "ONE_PROCESS_CASES" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${SX_WARNING_FLAGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  # An empty LABELS value would swallow the next property name (tests
  # without labels were labelled "TIMEOUT" and kept ctest's default timeout).
  set(properties TIMEOUT 300)
  if(ARG_LABELS)
    # One label: gtest_discover_tests splits a list value, so of "a;b" only
    # "a" would survive.
    list(LENGTH ARG_LABELS label_count)
    if(label_count GREATER 1)
      message(FATAL_ERROR "sx_cc_test(${name}): one label only, not ${ARG_LABELS}")
    endif()
    list(APPEND properties LABELS "${ARG_LABELS}")
  endif()
  # SERIAL: ctest runs these tests alone, for measurements that another test
  # running beside them would skew.
  if(ARG_SERIAL)
    list(APPEND properties RUN_SERIAL TRUE)
  endif()
  # ONE_PROCESS_CASES pattern: the cases that match run together as one
  # ctest test, <name>.one_process, the others one per process. For cases
  # that each start a server of their own (tests/support/test_postgres.h).
  if(ARG_ONE_PROCESS_CASES)
    gtest_discover_tests(${name}
      DISCOVERY_TIMEOUT 60
      TEST_FILTER "-${ARG_ONE_PROCESS_CASES}"
      PROPERTIES ${properties})
    add_test(NAME ${name}.one_process
      COMMAND ${name} --gtest_filter=${ARG_ONE_PROCESS_CASES})
    set_tests_properties(${name}.one_process PROPERTIES TIMEOUT 600 COST 1000)
  else()
    gtest_discover_tests(${name}
      DISCOVERY_TIMEOUT 60
      PROPERTIES ${properties})
  endif()
  # The PostgreSQL run is one ctest test for the whole binary: every test
  # process starts a server of its own (tests/support/test_postgres.h), so
  # one process for all cases costs one start, not one per case.
  if(ARG_ON_POSTGRES)
    add_test(NAME ${name}.on_postgres COMMAND ${name})
    # COST: the longest tests start first, so that on a clean build tree
    # (no timings from an earlier run) none of them is left running alone
    # at the end.
    set_tests_properties(${name}.on_postgres PROPERTIES
      ENVIRONMENT SX_TEST_STORAGE=postgres TIMEOUT 600 COST 1000)
    if(ARG_LABELS)
      set_tests_properties(${name}.on_postgres PROPERTIES LABELS "${ARG_LABELS}")
    endif()
  endif()
endfunction()
