# engine/crypto: the age v1 format on libsodium, the payload's AEAD on OpenSSL's libcrypto
# (see engine/crypto/*.hpp for the contracts).
# libsodium is linked privately by engine/CMakeLists.txt; no public header here includes it.
target_sources(clinvid_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/secret.cpp
  ${CMAKE_CURRENT_LIST_DIR}/failure.cpp
  ${CMAKE_CURRENT_LIST_DIR}/base64.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bech32.cpp
  ${CMAKE_CURRENT_LIST_DIR}/hkdf.cpp
  ${CMAKE_CURRENT_LIST_DIR}/io.cpp
  ${CMAKE_CURRENT_LIST_DIR}/format.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stream.cpp
  ${CMAKE_CURRENT_LIST_DIR}/keys.cpp
  ${CMAKE_CURRENT_LIST_DIR}/envelope.cpp
  ${CMAKE_CURRENT_LIST_DIR}/identity_file.cpp
  ${CMAKE_CURRENT_LIST_DIR}/armor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/writer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/random_access.cpp
  ${CMAKE_CURRENT_LIST_DIR}/recover.cpp
  ${CMAKE_CURRENT_LIST_DIR}/parallel.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sha256.cpp
)
# The payload's ChaCha20-Poly1305 and SHA-256 run on OpenSSL's libcrypto (stream.cpp and
# sha256.hpp say why).
find_package(OpenSSL 3.0 REQUIRED COMPONENTS Crypto)
target_link_libraries(clinvid_engine PRIVATE OpenSSL::Crypto)
