# age encryption: the `clinvid encrypt/decrypt` commands against the reference `age` CLI.
add_executable(bench_age ${CMAKE_CURRENT_LIST_DIR}/bench_age.cpp)
target_link_libraries(bench_age PRIVATE clinvid::engine)
target_compile_definitions(bench_age PRIVATE CLINVID_CLI_PATH="$<TARGET_FILE:clinvid_cli>")
add_dependencies(bench_age clinvid_cli)
clinvid_warnings(bench_age)
