#include "tests/support/headless_browser.h"

#include <fcntl.h>
#include <png.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace hotline::testing {
namespace {

constexpr auto kTimeout = std::chrono::seconds(60);

std::string base64_decode(const std::string& text) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  // Only the last 24 bits are ever needed; keeping no more, the shift cannot overflow.
  std::uint32_t value = 0;
  int bits = -8;
  for (const char c : text) {
    const auto index = alphabet.find(c);
    if (index == std::string::npos) continue;  // '=' padding, line breaks
    value = ((value << 6) | static_cast<std::uint32_t>(index)) & 0xFFFFFFu;
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((value >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> HeadlessBrowser::find() {
  if (const char* chosen = std::getenv("HOTLINE_CHROMIUM"); chosen && *chosen) return chosen;
  const char* path = std::getenv("PATH");
  std::string directories = path ? path : "/usr/bin:/bin";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    std::size_t begin = 0;
    while (begin <= directories.size()) {
      const std::size_t end = std::min(directories.find(':', begin), directories.size());
      const std::filesystem::path candidate =
          std::filesystem::path(directories.substr(begin, end - begin)) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
      begin = end + 1;
    }
  }
  return std::nullopt;
}

HeadlessBrowser::HeadlessBrowser(const std::string& executable,
                                 const std::vector<std::string>& extra_arguments) {
  int commands[2];
  int replies[2];
  if (::pipe2(commands, O_CLOEXEC) != 0 || ::pipe2(replies, O_CLOEXEC) != 0)
    throw std::runtime_error("cannot make the DevTools pipes");
  std::vector<std::string> arguments = {
      executable, "--headless",
      // Tests run as root in CI, where Chromium's sandbox cannot start; the pages are our own.
      "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
      "--disable-extensions", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--hide-scrollbars", "--mute-audio", "--remote-debugging-pipe",
      "--user-data-dir=" + profile_.path().string()};
  arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
  arguments.push_back("about:blank");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("cannot fork the browser");
  if (pid_ == 0) {
    // The browser reads commands on fd 3 and writes replies on fd 4.
    const int in = ::fcntl(commands[0], F_DUPFD, 10);
    const int out = ::fcntl(replies[1], F_DUPFD, 10);
    ::dup2(in, 3);
    ::dup2(out, 4);
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<char*> argv;
    for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(commands[0]);
  ::close(replies[1]);
  to_browser_ = commands[1];
  from_browser_ = replies[0];
}

HeadlessBrowser::~HeadlessBrowser() {
  if (to_browser_ >= 0) {
    // Asked to close, and its command pipe closed: the browser exits without a reply to wait for.
    const std::string close = nlohmann::json{{"id", 0}, {"method", "Browser.close"}}.dump();
    [[maybe_unused]] const ssize_t ignored = ::write(to_browser_, close.c_str(), close.size() + 1);
    ::close(to_browser_);
  }
  if (from_browser_ >= 0) ::close(from_browser_);
  if (pid_ > 0) {
    for (int i = 0; i < 50; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      ::usleep(100 * 1000);
    }
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
}

nlohmann::json HeadlessBrowser::next_message(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto end = buffer_.find('\0');
    if (end != std::string::npos) {
      const std::string text = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      return nlohmann::json::parse(text);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("the browser did not answer in time");
    pollfd ready{from_browser_, POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[65536];
    const ssize_t n = ::read(from_browser_, chunk, sizeof chunk);
    if (n <= 0) throw std::runtime_error("the browser closed its DevTools pipe (did it start?)");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

void HeadlessBrowser::note_event(const nlohmann::json& message) {
  const std::string method = message.value("method", "");
  if (message.value("sessionId", "") != session_) return;
  const nlohmann::json& params = message.contains("params") ? message["params"] : message;
  if (method == "Runtime.consoleAPICalled") {
    const std::string type = params.value("type", "");
    if (type == "error" || type == "assert" || type == "warning")
      load_.console_errors.push_back("console." + type + ": " + params["args"].dump());
  } else if (method == "Runtime.exceptionThrown") {
    load_.console_errors.push_back("exception: " + params["exceptionDetails"].dump());
  } else if (method == "Log.entryAdded") {
    const auto& entry = params["entry"];
    if (entry.value("level", "") == "error")
      load_.console_errors.push_back(entry.value("source", "") + ": " + entry.value("text", ""));
  } else if (method == "Network.requestWillBeSent") {
    load_.requests.push_back(params["request"].value("url", ""));
  } else if (method == "Page.javascriptDialogOpening") {
    load_.dialog_opened = true;
    call("Page.handleJavaScriptDialog", {{"accept", true}});
  } else if (method == "Page.loadEventFired") {
    loaded_ = true;
  }
}

nlohmann::json HeadlessBrowser::call(const std::string& method, nlohmann::json params,
                                     bool in_page) {
  const int id = next_id_++;
  nlohmann::json message = {{"id", id}, {"method", method}, {"params", std::move(params)}};
  if (in_page) message["sessionId"] = session_;
  std::string text = message.dump();
  text.push_back('\0');
  for (std::size_t written = 0; written < text.size();) {
    const ssize_t n = ::write(to_browser_, text.data() + written, text.size() - written);
    if (n <= 0) throw std::runtime_error("cannot write to the browser");
    written += static_cast<std::size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  for (;;) {
    nlohmann::json reply = next_message(deadline);
    if (reply.value("id", -1) != id) {
      if (reply.contains("method")) note_event(reply);
      continue;
    }
    if (reply.contains("error"))
      throw std::runtime_error(method + " failed: " + reply["error"].dump());
    return reply["result"];
  }
}

HeadlessBrowser::PageLoad HeadlessBrowser::open(const std::string& url, int width, int height) {
  if (!target_.empty()) {
    call("Target.closeTarget", {{"targetId", target_}}, false);
    target_.clear();
  }
  target_ = call("Target.createTarget", {{"url", "about:blank"}}, false)["targetId"];
  session_ =
      call("Target.attachToTarget", {{"targetId", target_}, {"flatten", true}}, false)["sessionId"];
  load_ = PageLoad();
  loaded_ = false;
  for (const char* domain : {"Page.enable", "Runtime.enable", "Log.enable", "Network.enable"})
    call(domain);
  call("Emulation.setDeviceMetricsOverride",
       {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", false}});
  const nlohmann::json navigated = call("Page.navigate", {{"url", url}});
  if (navigated.contains("errorText"))
    throw std::runtime_error("cannot load " + url + ": " + navigated["errorText"].dump());
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  while (!loaded_) {
    const nlohmann::json message = next_message(deadline);
    if (message.contains("method")) note_event(message);
  }
  // Whatever the page logs as it settles arrives with the next replies.
  evaluate("document.readyState");
  return load_;
}

nlohmann::json HeadlessBrowser::evaluate(const std::string& expression, bool await_promise) {
  const nlohmann::json result =
      call("Runtime.evaluate",
           {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", await_promise}});
  if (result.contains("exceptionDetails"))
    throw std::runtime_error("evaluating " + expression + ": " + result["exceptionDetails"].dump());
  return result["result"].value("value", nlohmann::json());
}

HeadlessBrowser::Screenshot HeadlessBrowser::screenshot() {
  const std::string png =
      base64_decode(call("Page.captureScreenshot", {{"format", "png"}})["data"]);
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, png.data(), png.size()))
    throw std::runtime_error(std::string("the screenshot is not a PNG: ") + image.message);
  image.format = PNG_FORMAT_GRAY;
  Screenshot shot;
  shot.width = static_cast<int>(image.width);
  shot.height = static_cast<int>(image.height);
  shot.grey.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, shot.grey.data(), 0, nullptr))
    throw std::runtime_error(std::string("cannot decode the screenshot: ") + image.message);
  return shot;
}

}  // namespace hotline::testing
