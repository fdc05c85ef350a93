// gzip for the one scenario that compresses, written with zlib directly so
// that httplib's own response compression can stay off everywhere else.
#pragma once

#define ZLIB_CONST
#include <zlib.h>

#include <string>
#include <string_view>

namespace fake_gateway {

class GzipEncoder {
 public:
  GzipEncoder();
  ~GzipEncoder();
  GzipEncoder(const GzipEncoder&) = delete;
  GzipEncoder& operator=(const GzipEncoder&) = delete;

  // Compresses `input` and flushes, so the reader can decode every byte
  // given so far: a compressed stream still arrives event by event.
  std::string flush(std::string_view input);
  // Compresses `input` and ends the gzip member.
  std::string finish(std::string_view input = {});

 private:
  std::string deflate_all(std::string_view input, int mode);

  z_stream stream_{};
};

std::string gzip_compress(std::string_view input);

// Whether an Accept-Encoding value allows gzip (gzip, x-gzip or *, with a
// non-zero q); an explicit gzip entry wins over *.
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace fake_gateway
