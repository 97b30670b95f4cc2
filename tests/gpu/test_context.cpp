#include <cstring>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "gpu/buffer.hpp"
#include "gpu/commands.hpp"
#include "gpu/context.hpp"
#include "gpu/image.hpp"
#include "gpu/timestamps.hpp"

namespace clinvid::gpu {
namespace {

PhysicalDeviceInfo fake(std::uint32_t index, const char* name, VkPhysicalDeviceType type,
                        bool compute = true) {
  PhysicalDeviceInfo d;
  d.index = index;
  d.name = name;
  d.type = type;
  d.has_compute_queue = compute;
  return d;
}

TEST(DeviceChoice, PrefersDiscreteThenIntegratedThenCpu) {
  const std::vector<PhysicalDeviceInfo> devices = {
      fake(0, "llvmpipe (LLVM 15)", VK_PHYSICAL_DEVICE_TYPE_CPU),
      fake(1, "Intel UHD 770", VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU),
      fake(2, "NVIDIA RTX A4000", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, false),
      fake(3, "NVIDIA H100", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU)};
  EXPECT_EQ(choose_device(devices, nullptr).value().index, 3U);
  EXPECT_EQ(choose_device({devices[0], devices[1]}, nullptr).value().index, 1U);
  const auto cpu = choose_device({devices[0]}, "").value();
  EXPECT_EQ(cpu.index, 0U);
  EXPECT_NE(cpu.reason.find("lavapipe"), std::string::npos);
}

TEST(DeviceChoice, OverrideByIndexOrName) {
  const std::vector<PhysicalDeviceInfo> devices = {
      fake(0, "llvmpipe (LLVM 15)", VK_PHYSICAL_DEVICE_TYPE_CPU),
      fake(1, "NVIDIA H100", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU),
      fake(2, "No Compute", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, false)};
  EXPECT_EQ(choose_device(devices, "0").value().index, 0U);
  EXPECT_EQ(choose_device(devices, "LLVMPIPE").value().index, 0U);
  EXPECT_NE(choose_device(devices, "llvm").value().reason.find("CLINVID_VK_DEVICE"),
            std::string::npos);
  EXPECT_EQ(choose_device(devices, "radeon").error().code, Errc::not_found);
  EXPECT_FALSE(choose_device(devices, "7"));
  EXPECT_FALSE(choose_device(devices, "No Compute"));  // matches, but cannot run shaders
  EXPECT_FALSE(choose_device({}, nullptr));
}

TEST(Context, EnumeratesAndCreatesTheSharedDevice) {
  const auto devices = Context::enumerate();
  ASSERT_TRUE(devices) << devices.error().message();
  ASSERT_FALSE(devices->empty());
  auto ctx = Context::shared();
  ASSERT_TRUE(ctx) << ctx.error().message();
  EXPECT_EQ(Context::shared().value().get(), ctx->get());  // one device per process
  EXPECT_FALSE((*ctx)->info().name.empty());
  EXPECT_FALSE((*ctx)->choice().reason.empty());
  EXPECT_NE((*ctx)->device(), VK_NULL_HANDLE);
  // Installing a second context is refused.
  EXPECT_TRUE(Context::install_shared(*ctx));
  auto other = Context::create();
  ASSERT_TRUE(other);
  EXPECT_FALSE(Context::install_shared(*other));
}

TEST(Buffer, StagedRoundTripThroughDeviceMemory) {
  auto ctx = Context::shared().value();
  constexpr VkDeviceSize kSize = 1 << 20;
  auto up = Buffer::create(*ctx, kSize, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, MemoryUse::upload, "up");
  auto dev = Buffer::create(*ctx, kSize,
                            VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                            MemoryUse::device_local, "dev");
  auto down =
      Buffer::create(*ctx, kSize, VK_BUFFER_USAGE_TRANSFER_DST_BIT, MemoryUse::readback, "down");
  ASSERT_TRUE(up && dev && down);
  EXPECT_EQ(dev->mapped(), nullptr);
  for (VkDeviceSize i = 0; i < kSize; ++i) up->mapped()[i] = static_cast<std::byte>(i * 7 + 3);
  auto runner = CommandRunner::create(*ctx).value();
  auto ts = TimestampPool::create(*ctx, 2);
  ASSERT_TRUE(runner.run([&](VkCommandBuffer cmd) {
    if (ts) ts->reset(cmd);
    if (ts) ts->write(cmd, 0, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT);
    const VkBufferCopy region{0, 0, kSize};
    vkCmdCopyBuffer(cmd, up->handle(), dev->handle(), 1, &region);
    buffer_barrier(cmd, dev->handle(), VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                   VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT);
    vkCmdCopyBuffer(cmd, dev->handle(), down->handle(), 1, &region);
    if (ts) ts->write(cmd, 1, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT);
  }));
  ASSERT_TRUE(down->invalidate());
  EXPECT_EQ(std::memcmp(up->mapped(), down->mapped(), kSize), 0);
  if (ts) {
    EXPECT_TRUE(ts->elapsed_ns(0, 1));
    EXPECT_FALSE(ts->elapsed_ns(0, 5));
  }
  EXPECT_FALSE(Buffer::create(*ctx, 0, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, MemoryUse::upload, "z"));
  EXPECT_FALSE(
      Buffer::create(*ctx, 16, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, MemoryUse::invalid, "bad"));
}

TEST(Image2D, UploadAndDownloadOddSize) {
  auto ctx = Context::shared().value();
  const std::uint32_t w = 385, h = 289;
  const VkDeviceSize bytes = VkDeviceSize{w} * h * 4;
  auto image = Image2D::create(*ctx, w, h, VK_FORMAT_R8G8B8A8_UNORM,
                               VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
                                   VK_IMAGE_USAGE_SAMPLED_BIT,
                               "test image");
  ASSERT_TRUE(image) << image.error().message();
  auto up = Buffer::create(*ctx, bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, MemoryUse::upload, "up");
  auto down =
      Buffer::create(*ctx, bytes, VK_BUFFER_USAGE_TRANSFER_DST_BIT, MemoryUse::readback, "down");
  ASSERT_TRUE(up && down);
  for (VkDeviceSize i = 0; i < bytes; ++i) up->mapped()[i] = static_cast<std::byte>(i % 251);
  auto runner = CommandRunner::create(*ctx).value();
  ASSERT_TRUE(runner.run([&](VkCommandBuffer cmd) {
    image->transition(cmd, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL);
    image->copy_from(cmd, up->handle());
    image->transition(cmd, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
    image->copy_to(cmd, down->handle());
  }));
  ASSERT_TRUE(down->invalidate());
  EXPECT_EQ(std::memcmp(up->mapped(), down->mapped(), bytes), 0);
  EXPECT_EQ(image->layout(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
  EXPECT_EQ(Image2D::create(*ctx, 0, 4, VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_USAGE_SAMPLED_BIT, "z")
                .error()
                .code,
            Errc::out_of_range);
}

}  // namespace
}  // namespace clinvid::gpu
