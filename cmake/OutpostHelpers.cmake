# Helpers shared by every module: one static library per firmware/ room, with a
# namespaced alias (outpost::core …), the shared warning and option targets, and
# GoogleTest executables registered with ctest.

# outpost_module(NAME <name> SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
#   Creates outpost_<name> and the alias outpost::<name>. Headers are included as
#   "<room>/<file>.h" relative to firmware/.
function(outpost_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(outpost_${M_NAME} STATIC ${M_SOURCES})
  add_library(outpost::${M_NAME} ALIAS outpost_${M_NAME})
  target_include_directories(outpost_${M_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/firmware)
  target_link_libraries(outpost_${M_NAME}
    PUBLIC ${M_DEPS}
    PRIVATE ${M_PRIVATE_DEPS} outpost::warnings outpost::options)
endfunction()

# outpost_test(NAME <name> SOURCES ... DEPS ... [LABELS ...])
#   A GoogleTest executable; each TEST becomes its own ctest entry.
function(outpost_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main
    outpost::warnings outpost::options)
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  gtest_discover_tests(${T_NAME}
    TEST_PREFIX "${T_NAME}."
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${T_LABELS}"
    ENVIRONMENT "OUTPOST_SOURCE_DIR=${PROJECT_SOURCE_DIR};OUTPOST_BINARY_DIR=${PROJECT_BINARY_DIR}")
endfunction()
