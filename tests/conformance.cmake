# Conformance tests: each scenario runs under the CPython oracle
# (tests/oracle.py) and under `loopviz run`; tests/conform.py compares them.
# Included by the top-level CMakeLists.txt, which defines the `loopviz` target
# and finds Python3 (Python3_EXECUTABLE).
#
# One test per file, named conform/<file name without .py>, plus
# conform/self-test, which checks the runner itself with fake programs. The
# batch in tests/conformance/asyncio/ is not globbed here yet.

set(LOOPVIZ_SOURCE_ROOT "${CMAKE_CURRENT_LIST_DIR}/..")

file(GLOB LOOPVIZ_CONFORMANCE_SCENARIOS CONFIGURE_DEPENDS
     "${LOOPVIZ_SOURCE_ROOT}/tests/conformance/*.py"
     "${LOOPVIZ_SOURCE_ROOT}/scenarios/*.py")
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

add_test(NAME conform/self-test
         COMMAND "${Python3_EXECUTABLE}"
                 "${LOOPVIZ_SOURCE_ROOT}/tests/conform.py" --self-test)
set_tests_properties(conform/self-test PROPERTIES LABELS conformance
                     TIMEOUT 150)
