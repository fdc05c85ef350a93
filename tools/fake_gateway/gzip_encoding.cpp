#include "gzip_encoding.hpp"

#include <array>
#include <cctype>
#include <optional>
#include <stdexcept>

namespace fake_gateway {
namespace {

// 15 window bits plus 16 asks zlib for a gzip header and trailer.
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kMemoryLevel = 8;
constexpr std::size_t kOutputBufferSize = 16384;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// False only for a q parameter of zero ("0", "0.", "0.000").
bool nonzero_quality(std::string_view params) {
  const std::size_t q = lower(params).find("q=");
  if (q == std::string_view::npos) return true;
  const std::string_view value = trim(params.substr(q + 2));
  if (value.empty() || value.front() != '0') return true;
  for (const char c : value.substr(1)) {
    if (c != '.' && c != '0') return true;
  }
  return false;
}

}  // namespace

GzipEncoder::GzipEncoder() {
  if (deflateInit2(&stream_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits,
                   kMemoryLevel, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib deflateInit2 failed");
  }
}

GzipEncoder::~GzipEncoder() { deflateEnd(&stream_); }

std::string GzipEncoder::flush(std::string_view input) {
  return deflate_all(input, Z_SYNC_FLUSH);
}

std::string GzipEncoder::finish(std::string_view input) {
  return deflate_all(input, Z_FINISH);
}

std::string GzipEncoder::deflate_all(std::string_view input, int mode) {
  std::array<unsigned char, kOutputBufferSize> buffer{};
  std::string out;
  stream_.next_in = reinterpret_cast<const Bytef*>(input.data());
  stream_.avail_in = static_cast<uInt>(input.size());
  for (;;) {
    stream_.next_out = buffer.data();
    stream_.avail_out = static_cast<uInt>(buffer.size());
    const int result = deflate(&stream_, mode);
    if (result == Z_STREAM_ERROR)
      throw std::runtime_error("zlib deflate failed");
    out.append(reinterpret_cast<const char*>(buffer.data()),
               buffer.size() - stream_.avail_out);
    const bool done =
        mode == Z_FINISH ? result == Z_STREAM_END : stream_.avail_out != 0;
    if (done) return out;
  }
}

std::string gzip_compress(std::string_view input) {
  GzipEncoder encoder;
  return encoder.finish(input);
}

bool accepts_gzip(std::string_view accept_encoding) {
  std::optional<bool> gzip;
  std::optional<bool> any;
  while (!accept_encoding.empty()) {
    const std::size_t comma = accept_encoding.find(',');
    const std::string_view entry = accept_encoding.substr(0, comma);
    accept_encoding = comma == std::string_view::npos
                          ? std::string_view{}
                          : accept_encoding.substr(comma + 1);
    const std::size_t semicolon = entry.find(';');
    const std::string coding = lower(trim(entry.substr(0, semicolon)));
    const bool allowed = semicolon == std::string_view::npos ||
                         nonzero_quality(entry.substr(semicolon + 1));
    if (coding == "gzip" || coding == "x-gzip") gzip = allowed;
    if (coding == "*") any = allowed;
  }
  return gzip.value_or(any.value_or(false));
}

}  // namespace fake_gateway
