# CLINVID_SANITIZE=ON instruments every target with ASan and UBSan; UB aborts instead of
# printing and carrying on, so a test that trips it fails.
if(CLINVID_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
