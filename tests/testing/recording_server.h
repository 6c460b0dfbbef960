// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// RecordingServer: a minimal HTTP server for tests of HTTP clients. It
// serves one connection at a time on 127.0.0.1 (port 0), records the raw
// bytes of every request (up to the end of its headers) and answers each with
// a fixed response, or with `stall` never answers.

#ifndef VIGIL_TESTS_TESTING_RECORDING_SERVER_H_
#define VIGIL_TESTS_TESTING_RECORDING_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace vigil::testing {

class RecordingServer {
 public:
  RecordingServer(std::string response, bool stall = false)
      : response_(std::move(response)), stall_(stall) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(fd_, 8);
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~RecordingServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", port_); }
  std::vector<std::string> requests() {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

 private:
  void Serve() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = read(c, buf, sizeof(buf));
        if (n <= 0) break;
        req.append(buf, n);
      }
      {
        absl::MutexLock lock(&mu_);
        requests_.push_back(req);
      }
      if (stall_) {
        while (!stop_ && read(c, buf, sizeof(buf)) > 0) {
        }
      } else {
        (void)!write(c, response_.data(), response_.size());
      }
      close(c);
    }
  }

  std::string response_;
  bool stall_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  absl::Mutex mu_;
  std::vector<std::string> requests_;
};

// A 200 text/plain response with `body`.
inline std::string HttpOk(const std::string& body) {
  return absl::StrCat("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                      "Content-Length: ", body.size(),
                      "\r\nConnection: close\r\n\r\n", body);
}

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_TESTING_RECORDING_SERVER_H_
