#pragma once
// The classroom's page, login page, script and style (classroom/assets), built into the program.

namespace hotline::classroom {

extern const char* const kSeatPage;
extern const char* const kLoginPage;
extern const char* const kAppJs;
extern const char* const kAppCss;

}  // namespace hotline::classroom
