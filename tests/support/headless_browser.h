#pragma once
// Test support: a real headless Chromium, driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: JSON messages ending in a NUL byte on file descriptors 3 and 4), so
// that no port, websocket library or script runtime is needed. Pages are loaded from disk, and
// everything the page logs or requests is kept for the test to check.

#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/node_process.h"

namespace hotline::testing {

class HeadlessBrowser {
 public:
  // The Chromium to use: $HOTLINE_CHROMIUM, else chromium, chromium-browser or google-chrome on
  // the PATH; nothing if there is none (browser tests then skip, saying so).
  static std::optional<std::string> find();

  // `extra_arguments` go on Chromium's command line.
  explicit HeadlessBrowser(const std::string& executable,
                           const std::vector<std::string>& extra_arguments = {});
  ~HeadlessBrowser();
  HeadlessBrowser(const HeadlessBrowser&) = delete;
  HeadlessBrowser& operator=(const HeadlessBrowser&) = delete;

  struct PageLoad {
    std::vector<std::string> console_errors;  // console errors, exceptions, CSP violations
    std::vector<std::string> requests;        // every URL the page asked for, itself first
    bool dialog_opened = false;               // alert(), confirm(), ... (a script ran)
  };
  // Loads `url` in a fresh tab at `width` x `height` CSS pixels and waits for its load event.
  PageLoad open(const std::string& url, int width = 1200, int height = 900);
  // The value of a JavaScript expression in the page (returned by value); with
  // `await_promise`, the value the promise it makes settles on.
  nlohmann::json evaluate(const std::string& expression, bool await_promise = false);
  // What the page has logged and requested since it was opened.
  const PageLoad& page() const { return load_; }
  // The page as a PNG, decoded to 8-bit grey, one byte per pixel.
  struct Screenshot {
    int width = 0;
    int height = 0;
    std::vector<unsigned char> grey;
  };
  Screenshot screenshot();

 private:
  nlohmann::json call(const std::string& method, nlohmann::json params = nlohmann::json::object(),
                      bool in_page = true);
  nlohmann::json next_message(std::chrono::steady_clock::time_point deadline);
  void note_event(const nlohmann::json& message);

  pid_t pid_ = -1;
  int to_browser_ = -1;
  int from_browser_ = -1;
  TempDir profile_;  // the browser's own profile, removed with it
  std::string buffer_;
  int next_id_ = 1;
  std::string session_;
  std::string target_;
  PageLoad load_;
  bool loaded_ = false;
};

}  // namespace hotline::testing
