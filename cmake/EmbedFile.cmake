# Writes OUTPUT, a C++ source defining
#   absl::string_view <FUNCTION>()  in namespace vigil::service
# that returns the bytes of INPUT, so that a binary carries the file and needs
# nothing installed beside it. Run by add_custom_command with
# -DINPUT=... -DOUTPUT=... -DFUNCTION=... -DHEADER=...
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
# '\xab', per byte; a line break every 16 bytes (CMake's regex has no {n}).
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
set(sixteen "")
foreach(i RANGE 15)
  string(APPEND sixteen "'\\\\x[0-9a-f][0-9a-f]',")
endforeach()
string(REGEX REPLACE "(${sixteen})" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
"// Generated from ${INPUT} by cmake/EmbedFile.cmake; do not edit.\n"
"#include \"${HEADER}\"\n\n"
"namespace vigil::service {\n"
"namespace {\n"
"constexpr char kBytes[${size} + 1] = {\n    ${bytes}'\\0'};\n"
"}  // namespace\n\n"
"absl::string_view ${FUNCTION}() { return absl::string_view(kBytes, ${size}); }\n\n"
"}  // namespace vigil::service\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
