// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "mfa/qr_svg.h"

#include <qrencode.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"

namespace vigil::internal {

absl::StatusOr<std::string> QrSvg(absl::string_view text) {
  const std::string data(text);
  std::unique_ptr<QRcode, void (*)(QRcode*)> qr(
      QRcode_encodeData(static_cast<int>(data.size()),
                        reinterpret_cast<const unsigned char*>(data.data()), 0,
                        QR_ECLEVEL_M),
      QRcode_free);
  if (qr == nullptr) return absl::InternalError("qr: cannot encode");
  constexpr int kQuiet = 4;
  const int w = qr->width;
  const int size = w + 2 * kQuiet;
  std::string svg = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 ",
      size, " ", size, "\" width=\"", size * 8, "\" height=\"", size * 8,
      "\" shape-rendering=\"crispEdges\">\n<rect width=\"100%\" height=\"100%\" "
      "fill=\"#fff\"/>\n<path fill=\"#000\" d=\"");
  for (int y = 0; y < w; ++y) {
    for (int x = 0; x < w; ++x) {
      if (qr->data[y * w + x] & 1) {
        // Runs of dark modules on a row become one rectangle.
        int run = 1;
        while (x + run < w && (qr->data[y * w + x + run] & 1)) ++run;
        absl::StrAppend(&svg, "M", x + kQuiet, " ", y + kQuiet, "h", run,
                        "v1h-", run, "z");
        x += run - 1;
      }
    }
  }
  absl::StrAppend(&svg, "\"/>\n</svg>\n");
  return svg;
}

}  // namespace vigil::internal
