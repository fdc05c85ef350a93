#include "json_text.hpp"

#include <simdjson.h>

namespace fake_gateway {
namespace {

constexpr unsigned char kFirstPrintable = 0x20;
constexpr unsigned char kFirstNonAscii = 0x80;
constexpr unsigned kNibbleBits = 4;
constexpr unsigned kNibbleMask = 0xF;
constexpr std::int64_t kTenthsPerUnit = 10;
constexpr std::string_view kHexDigits = "0123456789abcdef";

void append_unicode_escape(std::string& out, unsigned char byte) {
  out += "\\u00";
  out += kHexDigits[(byte >> kNibbleBits) & kNibbleMask];
  out += kHexDigits[byte & kNibbleMask];
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  const bool valid_utf8 = simdjson::validate_utf8(text);
  out += '"';
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (byte < kFirstPrintable || (!valid_utf8 && byte >= kFirstNonAscii)) {
          append_unicode_escape(out, byte);
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

std::string negative_tenths(std::int64_t tenths) {
  return "-" + std::to_string(tenths / kTenthsPerUnit) + "." +
         std::to_string(tenths % kTenthsPerUnit);
}

}  // namespace fake_gateway
