// JSON text for the fake gateway's answers, written by hand so that the
// fake shares no JSON code with the SDK it tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fake_gateway {

// Appends `text` as a quoted JSON string. Text that is not valid UTF-8 (a
// header value can be anything) has its high bytes escaped one by one, so the
// output is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

// `text` as a quoted JSON string.
std::string json_string(std::string_view text);

// A negative decimal with one digit after the point, e.g. 13 -> "-1.3".
// Log-probabilities are whole tenths so that no float formatting is involved.
std::string negative_tenths(std::int64_t tenths);

}  // namespace fake_gateway
