// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The only file that includes <curl/curl.h>.
#include "http/transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstring>
#include <limits>
#include <utility>

#include "request_util.hpp"

namespace budgateway::detail::http {
namespace {

/// curl_global_init once per process, thread-safely, before the first handle.
void ensure_global_init() {
  static const CURLcode kInit = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)kInit;
}

/// TCP keep-alive: the first probe after this much silence, then one per
/// interval; the kernel gives up after its probe count (9 on Linux).
constexpr long kKeepAliveIdleSeconds = 30;
constexpr long kKeepAliveIntervalSeconds = 5;
/// An HTTP status is exactly three digits (RFC 9110 15).
constexpr std::size_t kStatusDigits = 3;

CURL* easy(void* handle) { return static_cast<CURL*>(handle); }
CURLM* multi(void* handle) { return static_cast<CURLM*>(handle); }

std::size_t header_trampoline(char* data, std::size_t size, std::size_t count,
                              void* user) {
  return static_cast<Transfer*>(user)->on_header(data, size * count);
}

std::size_t body_trampoline(char* data, std::size_t size, std::size_t count,
                            void* user) {
  return static_cast<Transfer*>(user)->on_body(data, size * count);
}

/// The status of a status line ("HTTP/1.1 200 OK"): three digits followed
/// by a space or the line's end; 0 for anything else.
int parse_status(std::string_view line) noexcept {
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return 0;
  std::string_view rest = trim(line.substr(space + 1));
  int status = 0;
  std::size_t digits = 0;
  for (; digits < rest.size() && digits <= kStatusDigits; ++digits) {
    const char c = rest[digits];
    if (c < '0' || c > '9') break;
    status = status * 10 + (c - '0');
  }
  if (digits != kStatusDigits) return 0;
  if (digits < rest.size() && rest[digits] != ' ') return 0;
  return status;
}

/// Sets one option; the first failure is kept and later ones are skipped,
/// so a whole configuration reads as a list with one check at its end.
class OptionSetter {
 public:
  explicit OptionSetter(CURL* handle) : handle_(handle) {}

  template <typename T>
  OptionSetter& set(CURLoption option, T value) {
    if (result_ == CURLE_OK) result_ = curl_easy_setopt(handle_, option, value);
    return *this;
  }
  CURLcode result() const { return result_; }

 private:
  CURL* handle_;
  CURLcode result_ = CURLE_OK;
};

Error rejected_option(CURLcode code) {
  ErrorInfo info;
  info.code = ErrorCode::InvalidArgument;
  info.message = "libcurl rejected an option";
  info.transport_detail = curl_easy_strerror(code);
  return Error(std::move(info));
}

/// A duration as libcurl's long milliseconds; "no limit" durations near
/// Millis::max() are clamped rather than wrapped.
long clamp_ms(Millis value) noexcept {
  constexpr auto kMax =
      static_cast<Millis::rep>(std::numeric_limits<long>::max());
  if (value.count() <= 0) return 0;
  return static_cast<long>(std::min(value.count(), kMax));
}

const char* nullable(const std::string& text) noexcept {
  return text.empty() ? nullptr : text.c_str();
}

Error rejected_tls_option(std::string_view name, CURLcode code) {
  ErrorInfo info;
  info.code = ErrorCode::InvalidArgument;
  info.message = "libcurl rejected " + std::string(name) +
                 " (its TLS library may not support it)";
  info.transport_detail = curl_easy_strerror(code);
  return Error(std::move(info));
}

[[maybe_unused]] Error needs_newer_curl(std::string_view name,
                                        std::string_view version) {
  return Error(ErrorCode::InvalidArgument,
               std::string(name) + " needs libcurl " + std::string(version) +
                   " or newer; this build has " LIBCURL_VERSION);
}

/// libcurl's built-in CA bundle and directory, to restore after a request
/// that replaced them (setting null would remove them, not restore them).
struct DefaultCaPaths {
  const char* info = nullptr;
  const char* path = nullptr;
};

const DefaultCaPaths& default_ca_paths() {
  static const DefaultCaPaths kPaths = [] {
    DefaultCaPaths paths;
#if LIBCURL_VERSION_NUM >= 0x075400  // 7.84.0: CURLINFO_CAINFO, _CAPATH
    ensure_global_init();
    if (CURL* handle = curl_easy_init()) {
      // Static strings inside libcurl, valid for the process's life.
      char* info = nullptr;
      char* path = nullptr;
      if (curl_easy_getinfo(handle, CURLINFO_CAINFO, &info) == CURLE_OK) {
        paths.info = info;
      }
      if (curl_easy_getinfo(handle, CURLINFO_CAPATH, &path) == CURLE_OK) {
        paths.path = path;
      }
      curl_easy_cleanup(handle);
    }
#endif
    return paths;
  }();
  return kPaths;
}

ErrorCode code_for(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorCode::Timeout;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_UNKNOWN_OPTION:
    // The caller's own TLS material could not be loaded (a wrong key
    // password, a key that does not match, a CA bundle that is not PEM):
    // no attempt can succeed, and no request was sent.
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      return ErrorCode::InvalidArgument;
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return ErrorCode::Protocol;
    default:
      return ErrorCode::Connection;
  }
}

}  // namespace

// ---------------------------------------------------------------- Share ----

struct Share::Locks {
  std::array<std::mutex, CURL_LOCK_DATA_LAST> mutexes;
};

namespace {
void share_lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
  static_cast<std::mutex*>(user)[data].lock();
}
void share_unlock(CURL*, curl_lock_data data, void* user) {
  static_cast<std::mutex*>(user)[data].unlock();
}
}  // namespace

Share::Share() : locks_(std::make_unique<Locks>()) {
  ensure_global_init();
  CURLSH* share = curl_share_init();
  handle_ = share;
  if (share == nullptr) return;
  curl_share_setopt(share, CURLSHOPT_USERDATA, locks_->mutexes.data());
  curl_share_setopt(share, CURLSHOPT_LOCKFUNC, share_lock);
  curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, share_unlock);
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  // Not CURL_LOCK_DATA_CONNECT: libcurl's shared connection cache is not
  // thread-safe (its known bug 11.11), and a multi handle's connection limit
  // counts the other handles' connections in it, so pending transfers can
  // wait forever. Connections live in each pooled multi handle instead.
}

Share::~Share() {
  if (handle_ != nullptr) curl_share_cleanup(static_cast<CURLSH*>(handle_));
}

// ------------------------------------------------------------- Transfer ----

Transfer::Transfer(const Share& share) : error_buffer_(CURL_ERROR_SIZE, '\0') {
  ensure_global_init();
  handle_ = curl_easy_init();
  if (handle_ == nullptr) return;
  curl_easy_setopt(easy(handle_), CURLOPT_PRIVATE, static_cast<void*>(this));
  if (share.native() != nullptr) {
    curl_easy_setopt(easy(handle_), CURLOPT_SHARE, share.native());
  }
}

Transfer::~Transfer() {
  if (handle_ != nullptr) curl_easy_cleanup(easy(handle_));
}

std::optional<Error> Transfer::configure_once() {
  if (configured_) return std::nullopt;
  OptionSetter set(easy(handle_));
  set.set(CURLOPT_POST, 1L)
      .set(CURLOPT_HEADERFUNCTION, header_trampoline)
      .set(CURLOPT_HEADERDATA, this)
      .set(CURLOPT_WRITEFUNCTION, body_trampoline)
      .set(CURLOPT_WRITEDATA, this)
      .set(CURLOPT_ERRORBUFFER, error_buffer_.data())
      .set(CURLOPT_NOSIGNAL, 1L)
      .set(CURLOPT_ACCEPT_ENCODING, "gzip")
      .set(CURLOPT_TCP_KEEPALIVE, 1L)
      // A peer that vanished mid-stream (no FIN, no RST) is found within
      // about a minute, whatever idle_timeout allows.
      .set(CURLOPT_TCP_KEEPIDLE, kKeepAliveIdleSeconds)
      .set(CURLOPT_TCP_KEEPINTVL, kKeepAliveIntervalSeconds)
      .set(CURLOPT_FOLLOWLOCATION, 0L)
  // CURLOPT_PROTOCOLS_STR came with curl 7.85, which deprecated the bitmask;
  // older curl (down to the 7.68 floor) gets the bitmask.
#if LIBCURL_VERSION_NUM >= 0x075500
      .set(CURLOPT_PROTOCOLS_STR, "http,https");
#else
      .set(CURLOPT_PROTOCOLS,
           static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  if (set.result() != CURLE_OK) return rejected_option(set.result());
  configured_ = true;
  return std::nullopt;
}

std::optional<Error> Transfer::configure(const RequestSpec& spec,
                                         std::string_view body,
                                         TransferObserver* observer) {
  if (handle_ == nullptr) {
    return Error(ErrorCode::Connection, "libcurl could not create a handle");
  }
  if (auto error = configure_once()) return error;
  status_ = 0;
  head_done_ = false;
  headers_.clear();
  observer_ = observer;
  error_buffer_[0] = '\0';

  header_nodes_.clear();
  auto add_lines = [&](const std::vector<std::string>& lines) {
    for (const auto& line : lines) {
      header_nodes_.push_back(
          curl_slist{const_cast<char*>(line.c_str()), nullptr});
    }
  };
  if (spec.shared_header_lines) add_lines(*spec.shared_header_lines);
  add_lines(spec.header_lines);
  for (std::size_t i = 0; i + 1 < header_nodes_.size(); ++i) {
    header_nodes_[i].next = &header_nodes_[i + 1];
  }
  curl_slist* list = header_nodes_.empty() ? nullptr : header_nodes_.data();

  // What differs between requests; configure_once() set the rest.
  OptionSetter set(easy(handle_));
  set.set(CURLOPT_URL, spec.url ? spec.url->c_str() : "")
      .set(CURLOPT_POSTFIELDS, body.data())
      .set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()))
      .set(CURLOPT_HTTPHEADER, list)
      .set(CURLOPT_CONNECTTIMEOUT_MS, clamp_ms(spec.connect_timeout))
      .set(CURLOPT_TIMEOUT_MS, clamp_ms(spec.total_timeout))
      .set(CURLOPT_PROXY, spec.proxy.empty() ? nullptr : spec.proxy.c_str());
  if (set.result() != CURLE_OK) return rejected_option(set.result());
  return configure_tls(spec.tls);
}

std::optional<Error> Transfer::configure_tls(
    const std::shared_ptr<const TlsSettings>& tls) {
  // A client's requests share one TlsSettings, so a reused handle sets
  // these (and libcurl copies the PEM blobs) once, not per request.
  if (tls_applied_ && tls == tls_) return std::nullopt;
  tls_applied_ = false;
  static const TlsSettings kDefaults;
  const TlsSettings& t = tls ? *tls : kDefaults;
  const DefaultCaPaths& defaults = default_ca_paths();

  // Trusted CAs: ca_file and/or ca_pem instead of the system's, else
  // libcurl's built-in bundle and directory (restored, not cleared, after
  // a request that replaced them).
  const bool own_cas = !t.ca_file.empty() || !t.ca_pem.empty();
  const char* ca_info = !t.ca_file.empty() ? t.ca_file.c_str()
                        : own_cas          ? nullptr
                                           : defaults.info;
  const char* ca_path = own_cas ? nullptr : defaults.path;
  const bool has_client_cert =
      !t.client_cert_pem.empty() || !t.client_cert_file.empty();
  OptionSetter set(easy(handle_));
  set.set(CURLOPT_CAINFO, ca_info)
      .set(CURLOPT_CAPATH, ca_path)
      .set(CURLOPT_SSL_VERIFYPEER, t.insecure_skip_verify ? 0L : 1L)
      .set(CURLOPT_SSL_VERIFYHOST, t.insecure_skip_verify ? 0L : 2L)
      .set(CURLOPT_SSLCERT, nullable(t.client_cert_file))
      .set(CURLOPT_SSLKEY, nullable(t.client_key_file))
      // Never null with a client certificate: for an encrypted key without
      // a password, libcurl 7.88 would read a null password (a crash with a
      // PEM blob) or OpenSSL would prompt on the terminal. An empty one
      // fails the handshake instead.
      .set(CURLOPT_KEYPASSWD,
           has_client_cert ? t.client_key_password.c_str() : nullptr);
  if (set.result() != CURLE_OK) {
    return rejected_tls_option("the TLS options", set.result());
  }

#if LIBCURL_VERSION_NUM >= 0x074d00  // 7.77.0
  if (auto error = set_blob(CURLOPT_CAINFO_BLOB, t.ca_pem, "ca_pem")) {
    return error;
  }
#else
  if (!t.ca_pem.empty()) return needs_newer_curl("ca_pem", "7.77.0");
#endif
#if LIBCURL_VERSION_NUM >= 0x074700  // 7.71.0
  if (auto error = set_blob(CURLOPT_SSLCERT_BLOB, t.client_cert_pem,
                            "client_cert_pem")) {
    return error;
  }
  if (auto error =
          set_blob(CURLOPT_SSLKEY_BLOB, t.client_key_pem, "client_key_pem")) {
    return error;
  }
#else
  if (!t.client_cert_pem.empty()) {
    return needs_newer_curl("client_cert_pem", "7.71.0");
  }
  if (!t.client_key_pem.empty()) {
    return needs_newer_curl("client_key_pem", "7.71.0");
  }
#endif
  tls_ = tls;
  tls_applied_ = true;
  return std::nullopt;
}

std::optional<Error> Transfer::set_blob(int option, const std::string& pem,
                                        std::string_view name) {
  // An empty PEM clears the blob an earlier request may have set. libcurl
  // copies the bytes.
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  const CURLcode code =
      curl_easy_setopt(easy(handle_), static_cast<CURLoption>(option),
                       pem.empty() ? nullptr : &blob);
  if (code != CURLE_OK) return rejected_tls_option(name, code);
  return std::nullopt;
}

std::size_t Transfer::on_header(const char* data, std::size_t size) noexcept {
  std::string_view line(data, size);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line: an interim (1xx) or a new response starts over.
    headers_.clear();
    head_done_ = false;
    status_ = parse_status(line);
    return size;
  }
  const std::string_view trimmed = trim(line);
  if (trimmed.empty()) {
    // The end of a head; an interim 1xx head is followed by another.
    const bool interim = status_ >= 100 && status_ < 200;
    if (!interim && !head_done_) {
      head_done_ = true;
      if (observer_ != nullptr) observer_->on_head(status_, headers_, times());
    }
    return size;
  }
  const auto colon = trimmed.find(':');
  if (colon != std::string_view::npos) {
    try {
      headers_.add(trimmed.substr(0, colon), trim(trimmed.substr(colon + 1)));
    } catch (...) {
      return 0;  // Out of memory: abort the transfer, never unwind into C.
    }
  }
  return size;
}

std::size_t Transfer::on_body(const char* data, std::size_t size) noexcept {
  if (!head_done_) {
    // A body without a blank line ending its head (HTTP/0.9 or a server
    // that never ends it): say what head there was first.
    head_done_ = true;
    if (observer_ != nullptr) observer_->on_head(status_, headers_, times());
  }
  if (observer_ == nullptr) return size;
  return observer_->on_body(std::string_view(data, size)) ? size : 0;
}

bool Transfer::request_sent() const noexcept {
  long sent = 0;
  return curl_easy_getinfo(easy(handle_), CURLINFO_REQUEST_SIZE, &sent) ==
             CURLE_OK &&
         sent > 0;
}

AttemptTimes Transfer::times() const noexcept {
  AttemptTimes times;
  curl_off_t connect = 0;
  if (curl_easy_getinfo(easy(handle_), CURLINFO_CONNECT_TIME_T, &connect) ==
      CURLE_OK) {
    times.connect = std::chrono::microseconds(connect);
  }
  return times;
}

Error Transfer::transport_error(CurlCode code) const {
  const auto curl_code = static_cast<CURLcode>(code);
  ErrorInfo info;
  info.code = code_for(curl_code);
  // The URL's scheme was checked before the transfer: "unsupported" after
  // the server said something is about what it said (a status line libcurl
  // cannot read), the server's fault, not the caller's.
  if (curl_code == CURLE_UNSUPPORTED_PROTOCOL && request_sent()) {
    info.code = ErrorCode::Protocol;
  }
  const char* reason = curl_easy_strerror(curl_code);
  info.transport_detail = error_buffer_.c_str();
  if (info.transport_detail.empty()) info.transport_detail = reason;
  info.message = info.code == ErrorCode::Timeout
                     ? "the request timed out"
                     : std::string("transport failure: ") + reason;
  info.http_status = head_done_ ? status_ : 0;
  return Error(std::move(info));
}

// ---------------------------------------------------------------- Multi ----

Multi::Multi() {
  ensure_global_init();
  handle_ = curl_multi_init();
}

Multi::~Multi() {
  if (handle_ != nullptr) curl_multi_cleanup(multi(handle_));
}

std::optional<Error> Multi::add(Transfer& transfer) {
  if (handle_ == nullptr) {
    return Error(ErrorCode::Connection,
                 "libcurl could not create a multi handle");
  }
  const CURLMcode code =
      curl_multi_add_handle(multi(handle_), easy(transfer.native()));
  if (code != CURLM_OK) {
    ErrorInfo info;
    info.code = ErrorCode::Connection;
    info.message = "libcurl could not start the transfer";
    info.transport_detail = curl_multi_strerror(code);
    return Error(std::move(info));
  }
  return std::nullopt;
}

void Multi::remove(Transfer& transfer) noexcept {
  curl_multi_remove_handle(multi(handle_), easy(transfer.native()));
}

void Multi::set_max_connections(std::size_t count) noexcept {
  curl_multi_setopt(multi(handle_), CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(count));
}

int Multi::perform() noexcept {
  int running = 0;
  curl_multi_perform(multi(handle_), &running);
  return running;
}

void Multi::poll(Millis timeout) noexcept {
  constexpr auto kMaxWait =
      static_cast<Millis::rep>(std::numeric_limits<int>::max());
  const auto wait = std::clamp<Millis::rep>(timeout.count(), 0, kMaxWait);
  curl_multi_poll(multi(handle_), nullptr, 0, static_cast<int>(wait), nullptr);
}

void Multi::wakeup() noexcept { curl_multi_wakeup(multi(handle_)); }

bool Multi::next_done(Transfer*& transfer, CurlCode& code) noexcept {
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi(handle_), &queued)) {
    if (message->msg != CURLMSG_DONE) continue;
    char* owner = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &owner);
    transfer = static_cast<Transfer*>(static_cast<void*>(owner));
    code = message->data.result;
    return true;
  }
  return false;
}

// ----------------------------------------------------------- ChannelPool ----

ChannelPool::Lease ChannelPool::take() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      auto channel = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(channel));
    }
  }
  return Lease(this, std::make_unique<Channel>(share_));
}

void ChannelPool::give_back(std::unique_ptr<Channel> channel) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_.size() < kMaxIdleChannels) idle_.push_back(std::move(channel));
}

}  // namespace budgateway::detail::http
