# The hostile and broken scenarios of tests/robust/ (issue 11): one CTest test per expected file
# (robust/NAME), judged by tests/robust/robust.py, plus robust/self-test for the runner itself.
# Included by the top-level CMakeLists.txt, which defines the loopviz target and finds Python3.
# In the sanitizer build (LOOPVIZ_SANITIZE) wall-time bounds are ten times looser.

set(LOOPVIZ_ROBUST_DIR "${CMAKE_CURRENT_LIST_DIR}")
file(GLOB LOOPVIZ_ROBUST_CASES CONFIGURE_DEPENDS "${LOOPVIZ_ROBUST_DIR}/*.expected")
list(SORT LOOPVIZ_ROBUST_CASES)
if(LOOPVIZ_SANITIZE)
  set(LOOPVIZ_ROBUST_TIME_FACTOR 10)
else()
  set(LOOPVIZ_ROBUST_TIME_FACTOR 1)
endif()

foreach(case IN LISTS LOOPVIZ_ROBUST_CASES)
  get_filename_component(case_file "${case}" NAME)
  string(REGEX REPLACE "\\.py\\.expected$" "" case_name "${case_file}")
  add_test(NAME "robust/${case_name}"
           COMMAND "${Python3_EXECUTABLE}" "${LOOPVIZ_ROBUST_DIR}/robust.py"
                   --time-factor ${LOOPVIZ_ROBUST_TIME_FACTOR} "$<TARGET_FILE:loopviz>" "${case}")
  set_tests_properties("robust/${case_name}" PROPERTIES LABELS robust TIMEOUT 600)
endforeach()

add_test(NAME robust/self-test
         COMMAND "${Python3_EXECUTABLE}" "${LOOPVIZ_ROBUST_DIR}/robust.py" --self-test)
set_tests_properties(robust/self-test PROPERTIES LABELS robust TIMEOUT 60)

# Every bundled scenario traced twice and exported twice gives identical bytes.
add_test(NAME robust/determinism
         COMMAND "${Python3_EXECUTABLE}" "${LOOPVIZ_ROBUST_DIR}/determinism.py"
                 "$<TARGET_FILE:loopviz>")
set_tests_properties(robust/determinism PROPERTIES LABELS robust TIMEOUT 900)
