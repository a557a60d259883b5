# libFuzzer targets for the simulation core (issue 11). Included by the top-level CMakeLists.txt.
#
# They need clang (libFuzzer ships with it), so they exist only when the C compiler is clang or
# LOOPVIZ_FUZZ is ON, which then insists on clang. The usual home is a build tree of its own:
#
#     CC=clang cmake -S . -B build-fuzz -DLOOPVIZ_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
#     cmake --build build-fuzz --target fuzz_targets
#
# which `make fuzz` and `make test` do. Three targets, each a file tests/fuzz/fuzz_NAME.c:
#   fuzz_parse    the lexer and the parser, default and small limits
#   fuzz_compile  the compiler, on whatever the parser accepts
#   fuzz_run      a whole run under small limits, its trace written in every format
# All are built with AddressSanitizer and UndefinedBehaviorSanitizer (no recovery: any report is
# a crash) over a copy of the sim library compiled the same way. Comparison tracing is left out
# (-fno-sanitize-coverage=trace-cmp): every run parses the asyncio prelude, and tracing its
# comparisons made a run five times slower; tests/fuzz/python.dict gives the fuzzer Python's
# tokens instead.
#
# The seed corpus is made at build time from scenarios/, tests/conformance/ and tests/robust/
# (tests/fuzz/seed.cmake); nothing is copied into the repository. Inputs that once crashed a
# target live in tests/fuzz/regress/ and are run by every target before it fuzzes.
#
# CTest gets one test per target, label "fuzz": the regression inputs once each, then 10 seconds
# of fuzzing from the seeds with libFuzzer's seed fixed at 1 (LOOPVIZ_FUZZ_SECONDS changes the
# time). `make fuzz` runs longer, into a
# corpus kept in the build tree (tests/fuzz/fuzz.sh).

option(LOOPVIZ_FUZZ "Build the libFuzzer targets of tests/fuzz (needs clang)" OFF)

if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  if(LOOPVIZ_FUZZ)
    message(FATAL_ERROR "LOOPVIZ_FUZZ needs clang (libFuzzer): configure with CC=clang")
  endif()
  return()
endif()

set(LOOPVIZ_FUZZ_SECONDS 10 CACHE STRING "seconds each fuzz target runs under ctest")
set(LOOPVIZ_FUZZ_DIR "${PROJECT_SOURCE_DIR}/tests/fuzz")
set(LOOPVIZ_FUZZ_FLAGS
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
    -fno-sanitize-coverage=trace-cmp -fno-omit-frame-pointer -O2 -g)

file(GLOB LOOPVIZ_FUZZ_SIM_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/sim/*.c)
add_library(loopviz_sim_fuzz STATIC EXCLUDE_FROM_ALL ${LOOPVIZ_FUZZ_SIM_SOURCES})
target_include_directories(loopviz_sim_fuzz PUBLIC ${PROJECT_SOURCE_DIR}/sim)
target_compile_options(loopviz_sim_fuzz PRIVATE ${LOOPVIZ_FUZZ_FLAGS})
target_link_libraries(loopviz_sim_fuzz PUBLIC m)

# The seed corpus: one file per scenario, named after its directory so names never collide.
set(LOOPVIZ_FUZZ_SEED_DIR "${PROJECT_BINARY_DIR}/fuzz/seed")
file(GLOB LOOPVIZ_FUZZ_SEED_SOURCES CONFIGURE_DEPENDS
     "${PROJECT_SOURCE_DIR}/scenarios/*.py"
     "${PROJECT_SOURCE_DIR}/tests/conformance/*.py"
     "${PROJECT_SOURCE_DIR}/tests/conformance/asyncio/*.py"
     "${PROJECT_SOURCE_DIR}/tests/robust/*.py")
add_custom_command(
  OUTPUT "${PROJECT_BINARY_DIR}/fuzz/seed.stamp"
  COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -DOUT=${LOOPVIZ_FUZZ_SEED_DIR}
          -DSTAMP=${PROJECT_BINARY_DIR}/fuzz/seed.stamp
          -P "${LOOPVIZ_FUZZ_DIR}/seed.cmake"
  DEPENDS ${LOOPVIZ_FUZZ_SEED_SOURCES} "${LOOPVIZ_FUZZ_DIR}/seed.cmake"
  COMMENT "fuzz: seed corpus from scenarios/ and tests/"
  VERBATIM)
add_custom_target(fuzz_seed DEPENDS "${PROJECT_BINARY_DIR}/fuzz/seed.stamp")

add_custom_target(fuzz_targets)
foreach(name parse compile run)
  add_executable(fuzz_${name} EXCLUDE_FROM_ALL "${LOOPVIZ_FUZZ_DIR}/fuzz_${name}.c")
  target_compile_options(fuzz_${name} PRIVATE ${LOOPVIZ_FUZZ_FLAGS})
  target_link_options(fuzz_${name} PRIVATE
                      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
  target_link_libraries(fuzz_${name} PRIVATE loopviz_sim_fuzz)
  set_target_properties(fuzz_${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/fuzz")
  add_dependencies(fuzz_targets fuzz_${name} fuzz_seed)

  add_test(NAME fuzz/${name}
           COMMAND sh "${LOOPVIZ_FUZZ_DIR}/fuzz.sh" --fresh --seed 1 "$<TARGET_FILE:fuzz_${name}>"
                   "${LOOPVIZ_FUZZ_SECONDS}" "${PROJECT_BINARY_DIR}/fuzz/ctest-corpus/${name}"
                   "${LOOPVIZ_FUZZ_SEED_DIR}")
  set_tests_properties(fuzz/${name} PROPERTIES LABELS fuzz TIMEOUT 300)
endforeach()
