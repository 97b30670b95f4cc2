// The synthetic walker as a plaintext H.264 MP4 (raw I420 through ffmpeg), for the tests that
// import it into an archive (`clinvid analyse`, the studio's Review view).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "analysis/synthetic_walker.hpp"
#include "archive_cli_fixture.hpp"
#include "core/frame.hpp"

namespace clinvid::test {

inline fs::path walker_mp4(const analysis::SyntheticWalker& walker, const fs::path& dir,
                           const std::string& name) {
  const fs::path raw = dir / (name + ".yuv");
  const fs::path mp4 = dir / (name + ".mp4");
  std::string bytes;
  auto frame = Frame::allocate(PixelFormat::i420, walker.spec().width_px, walker.spec().height_px);
  EXPECT_TRUE(frame);
  for (std::int64_t i = 0; i < walker.spec().frame_count; ++i) {
    EXPECT_TRUE(walker.render(i, frame->view()));
    const ConstFrameView v = std::as_const(*frame).view();
    for (std::size_t p = 0; p < 3; ++p) {
      const std::uint32_t w = p == 0 ? v.width : (v.width + 1) / 2;
      const std::uint32_t h = p == 0 ? v.height : (v.height + 1) / 2;
      for (std::uint32_t row = 0; row < h; ++row) {
        bytes.append(reinterpret_cast<const char*>(v.planes[p] + row * v.strides[p]), w);
      }
    }
  }
  write_text(raw, bytes);
  const std::string command =
      "ffmpeg -loglevel error -y -f rawvideo -pix_fmt yuv420p -s " +
      std::to_string(walker.spec().width_px) + "x" + std::to_string(walker.spec().height_px) +
      " -r " + walker.spec().frame_rate.to_string() + " -i '" + raw.string() +
      "' -c:v libx264 -preset ultrafast -crf 16 -g 15 -pix_fmt yuv420p '" + mp4.string() + "'";
  EXPECT_EQ(std::system(command.c_str()), 0);
  return mp4;
}

}  // namespace clinvid::test
