#pragma once
// hotline's version (the project's, in CMakeLists.txt) and the git commit it was built from,
// written at build time (cmake/write_version.cmake).

namespace hotline::cli {

extern const char* const kVersion;
extern const char* const kCommit;

}  // namespace hotline::cli
