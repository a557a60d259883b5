# Conformance tests: each scenario runs under the CPython oracle
# (tests/oracle.py) and under `loopviz run`; tests/conform.py compares them.
# Included by the top-level CMakeLists.txt, which defines the `loopviz` target
# and finds Python3 (Python3_EXECUTABLE).
#
# One test per file, named conform/<file name without .py>, plus
# conform/self-test, which checks the runner itself with fake programs. The
# issue-4 batch lives in tests/conformance/asyncio/.

set(LOOPVIZ_SOURCE_ROOT "${CMAKE_CURRENT_LIST_DIR}/..")

file(GLOB LOOPVIZ_CONFORMANCE_SCENARIOS CONFIGURE_DEPENDS
     "${LOOPVIZ_SOURCE_ROOT}/tests/conformance/*.py"
     "${LOOPVIZ_SOURCE_ROOT}/scenarios/*.py")
file(GLOB LOOPVIZ_ASYNCIO_SCENARIOS CONFIGURE_DEPENDS
     "${LOOPVIZ_SOURCE_ROOT}/tests/conformance/asyncio/*.py")
list(APPEND LOOPVIZ_CONFORMANCE_SCENARIOS ${LOOPVIZ_ASYNCIO_SCENARIOS})
list(SORT LOOPVIZ_CONFORMANCE_SCENARIOS)

foreach(scenario IN LISTS LOOPVIZ_CONFORMANCE_SCENARIOS)
  get_filename_component(scenario_name "${scenario}" NAME_WLE)
  add_test(NAME "conform/${scenario_name}"
           COMMAND "${Python3_EXECUTABLE}"
                   "${LOOPVIZ_SOURCE_ROOT}/tests/conform.py"
                   "$<TARGET_FILE:loopviz>" "${scenario}")
  set_tests_properties("conform/${scenario_name}" PROPERTIES
                       LABELS conformance
                       TIMEOUT 150)
endforeach()

# The same scenarios with the garbage collector running at every iteration of the event loop
# (`loopviz run --gc-stress`): an object freed while something still refers to it shows up as a
# wrong output, or as a crash under the sanitizer build. Only scenarios that run an event loop
# (the collector runs nowhere else).
foreach(scenario IN LISTS LOOPVIZ_CONFORMANCE_SCENARIOS)
  file(READ "${scenario}" scenario_text)
  if(NOT scenario_text MATCHES "asyncio\\.run|run_until_complete")
    continue()
  endif()
  get_filename_component(scenario_name "${scenario}" NAME_WLE)
  add_test(NAME "conform-gc/${scenario_name}"
           COMMAND "${Python3_EXECUTABLE}"
                   "${LOOPVIZ_SOURCE_ROOT}/tests/conform.py"
                   "$<TARGET_FILE:loopviz>" "${scenario}")
  set_tests_properties("conform-gc/${scenario_name}" PROPERTIES
                       LABELS "conformance;gc"
                       ENVIRONMENT "CONFORM_LOOPVIZ_ARGS=--gc-stress"
                       TIMEOUT 150)
endforeach()

add_test(NAME conform/self-test
         COMMAND "${Python3_EXECUTABLE}"
                 "${LOOPVIZ_SOURCE_ROOT}/tests/conform.py" --self-test)
set_tests_properties(conform/self-test PROPERTIES LABELS conformance
                     TIMEOUT 150)

# trace exports
# `loopviz export --mermaid` and `--chrome-trace` on the article's five programs, checked by
# tests/check_mermaid.py and tests/check_chrome_trace.py (grammar subset, tracks, overlaps,
# agreement with `loopviz trace --json`), plus each checker's self-test on broken input.
foreach(name async_generator context_manager error_handling gather greet)
  foreach(format mermaid chrome_trace)
    add_test(NAME "trace-export/${format}/${name}"
             COMMAND "${Python3_EXECUTABLE}" "${LOOPVIZ_SOURCE_ROOT}/tests/check_${format}.py"
                     "$<TARGET_FILE:loopviz>" "${LOOPVIZ_SOURCE_ROOT}/scenarios/${name}.py")
    set_tests_properties("trace-export/${format}/${name}" PROPERTIES LABELS trace TIMEOUT 120)
  endforeach()
endforeach()
foreach(format mermaid chrome_trace)
  add_test(NAME "trace-export/${format}/self-test"
           COMMAND "${Python3_EXECUTABLE}" "${LOOPVIZ_SOURCE_ROOT}/tests/check_${format}.py"
                   --self-test)
  set_tests_properties("trace-export/${format}/self-test" PROPERTIES LABELS trace TIMEOUT 60)
endforeach()

# golden traces
# `loopviz trace` of every bundled scenario must match tests/golden/NAME.trace, so a change to
# the loop that alters any scheduling decision is seen (tests/golden.py --update rewrites them).
file(GLOB LOOPVIZ_GOLDEN_SCENARIOS CONFIGURE_DEPENDS "${LOOPVIZ_SOURCE_ROOT}/scenarios/*.py")
foreach(scenario IN LISTS LOOPVIZ_GOLDEN_SCENARIOS)
  get_filename_component(name "${scenario}" NAME_WLE)
  add_test(NAME "golden/${name}"
           COMMAND "${Python3_EXECUTABLE}" "${LOOPVIZ_SOURCE_ROOT}/tests/golden.py"
                   "$<TARGET_FILE:loopviz>" "${name}")
  set_tests_properties("golden/${name}" PROPERTIES LABELS trace TIMEOUT 120)
endforeach()
