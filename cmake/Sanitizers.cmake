# CLINVID_SANITIZE=ON instruments every target with ASan and UBSan; UB aborts instead of
# printing and carrying on, so a test that trips it fails.
if(CLINVID_SANITIZE)
  # -g1: line tables only. Sanitizer reports still name every frame's file and line, and the
  # build (all of it twice in CI) skips the full debug information it would never use.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -g1)
  add_link_options(-fsanitize=address,undefined)
endif()
