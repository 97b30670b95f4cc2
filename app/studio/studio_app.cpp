#include "studio_app.hpp"

#include <string.h>  // explicit_bzero
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <limits>
#include <mutex>
#include <span>

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <fmt/format.h>
#include <imgui.h>

#include "core/log.hpp"
#include "gpu/vk_check.hpp"
#include "screenshot.hpp"
#include "ui_probe.hpp"

// Shutdown order. The surface belongs to the shared Context, and a surface must not outlive
// its native window: the pipeline goes first (clinvidcolor lets go of the device), then the
// renderer, then the process-wide reference, and only when the Context is really gone the
// GLFW window.

namespace clinvid::studio {

namespace {

constexpr std::string_view kLogModule = "studio";

std::string glfw_error() {
  const char* description = nullptr;
  glfwGetError(&description);
  return description != nullptr ? description : "no details";
}

}  // namespace

Result<std::unique_ptr<StudioApp>> StudioApp::create(const StudioOptions& options) {
  std::unique_ptr<StudioApp> app(new StudioApp(options));
  for (auto step : {&StudioApp::create_window, &StudioApp::create_context,
                    &StudioApp::create_frames, &StudioApp::init_imgui}) {
    if (auto done = ((*app).*step)(); !done) return tl::unexpected(done.error());
  }
  int width_px = 0;
  int height_px = 0;
  glfwGetFramebufferSize(app->window_.get(), &width_px, &height_px);
  if (auto made = app->recreate_swapchain(
          {static_cast<std::uint32_t>(width_px), static_cast<std::uint32_t>(height_px)});
      !made) {
    return tl::unexpected(made.error());
  }
  app->editor_texture_ =
      std::make_unique<PreviewTexture>(*app->context_, *app->renderer_, kFramesInFlight);

  if (auto started = app->start_capture(); !started) return tl::unexpected(started.error());
  if (auto views = app->create_views(); !views) return tl::unexpected(views.error());
  app->started_ = std::chrono::steady_clock::now();
  return app;
}

StudioApp::~StudioApp() {
  script_.reset();
  export_view_.reset();     // cancels and joins an export in progress
  preview_worker_.reset();  // joins the preview thread
  capture_view_.reset();
  capture_.reset();  // seals a recording in progress, joins the worker; clinvidcolor stops
  if (context_) {
    if (auto idle = wait_gpu_idle(); !idle) {
      log(LogLevel::error, kLogModule, "shutdown: {}", idle.error().message());
    }
  }
  editor_view_.reset();
  review_view_.reset();
  library_view_.reset();  // joins its workers; holds textures
  camera_textures_.clear();
  ghost_textures_.clear();
  standardised_textures_.clear();
  difference_textures_.clear();
  editor_texture_.reset();
  swapchain_ = Swapchain{};
  renderer_.reset();
  if (imgui_initialised_) {
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
  }
}

Status StudioApp::create_views() {
  model_ = std::make_unique<StudioModel>(options_.archive_dir);
  preview_worker_ = std::make_unique<PreviewWorker>();
  sign_in_view_ = std::make_unique<SignInView>(*model_);
  library_view_ = std::make_unique<LibraryView>(*model_, *context_, *renderer_, kFramesInFlight);
  editor_view_ = std::make_unique<EditorView>(*model_, *preview_worker_, *editor_texture_);
  export_view_ = std::make_unique<ExportView>(*model_);
  review_view_ = std::make_unique<ReviewView>(*model_, *context_, *renderer_, kFramesInFlight);
  consent_view_ = std::make_unique<ConsentView>(*model_);
  lock_screen_ = std::make_unique<LockScreen>(*model_, options_.lock_after);
  settings_view_ =
      std::make_unique<SettingsView>(*model_, workstation_, *lock_screen_, options_.theme);
  unsaved_prompt_ = std::make_unique<UnsavedPrompt>(*model_);
  if (capture_) {
    std::vector<CameraTextures> textures;
    for (std::size_t i = 0; i < camera_textures_.size(); ++i) {
      textures.push_back({camera_textures_[i].get(), ghost_textures_[i].get(),
                          standardised_textures_[i].get(), difference_textures_[i].get()});
    }
    capture_view_ = std::make_unique<CaptureView>(*context_, *model_, *capture_,
                                                  std::move(textures), workstation_);
  }
  if (!options_.user.empty() && !options_.passphrase_file.empty()) {
    if (auto signed_in = sign_in_from_options(); !signed_in) return signed_in;
  }
  if (options_.script_path.empty()) return {};
  injector_ = std::make_unique<InputInjector>(window_.get());
  add_script_steps();
  if (capture_view_) capture_view_->add_script_steps(verbs_);
  sign_in_view_->add_script_steps(verbs_);
  library_view_->add_script_steps(verbs_);
  editor_view_->add_script_steps(verbs_);
  export_view_->add_script_steps(verbs_);
  review_view_->add_script_steps(verbs_);
  consent_view_->add_script_steps(verbs_);
  settings_view_->add_script_steps(verbs_);
  help_overlay_.add_script_steps(verbs_);
  unsaved_prompt_->add_script_steps(verbs_);
  add_session_steps();
  auto steps = load_script(options_.script_path, verbs_);
  if (!steps) return tl::unexpected(steps.error());
  script_ = std::make_unique<ScriptRunner>(std::move(*steps), verbs_, [](const std::string& line) {
    fmt::print("{}\n", line);
    std::fflush(stdout);
  });
  return {};
}

Status StudioApp::sign_in_from_options() {
  if (options_.user.empty() || options_.passphrase_file.empty()) {
    return fail(Errc::invalid_argument, "sign-in: give --user and --passphrase-file");
  }
  std::ifstream in(options_.passphrase_file);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return fail(Errc::not_found, fmt::format("cannot read the passphrase from {}",
                                             options_.passphrase_file.string()));
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  auto passphrase = crypto::SecretBytes::copy_of(std::string_view(line));
  explicit_bzero(line.data(), line.size());
  return model_->sign_in(options_.user, std::move(passphrase));
}

void StudioApp::WindowCloser::operator()(GLFWwindow* window) const noexcept {
  gpu::Context::release_shared();  // the last reference: the device and surface go here
  glfwDestroyWindow(window);
}

Status StudioApp::create_window() {
  glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
  glfwWindowHint(GLFW_RESIZABLE, GLFW_TRUE);
  window_.reset(glfwCreateWindow(static_cast<int>(options_.window_width),
                                 static_cast<int>(options_.window_height), "clinvid studio",
                                 nullptr, nullptr));
  if (window_ == nullptr) return fail(Errc::unsupported, "cannot open a window: " + glfw_error());
  return {};
}

Status StudioApp::create_context() {
  if (glfwVulkanSupported() == GLFW_FALSE) {
    return fail(Errc::unsupported, "GLFW found no Vulkan loader: " + glfw_error());
  }
  gpu::ContextOptions context_options;
  context_options.application_name = "clinvid-studio";
  std::uint32_t count = 0;
  const char** names = glfwGetRequiredInstanceExtensions(&count);
  if (names == nullptr) {
    return fail(Errc::unsupported, "Vulkan cannot present to this display: " + glfw_error());
  }
  for (const char* name : std::span(names, count)) {
    context_options.instance_extensions.emplace_back(name);
  }
  context_options.device_extensions.emplace_back(VK_KHR_SWAPCHAIN_EXTENSION_NAME);
  GLFWwindow* window = window_.get();
  context_options.create_surface = [window](VkInstance instance) -> Result<VkSurfaceKHR> {
    VkSurfaceKHR surface = VK_NULL_HANDLE;
    const VkResult made = glfwCreateWindowSurface(instance, window, nullptr, &surface);
    if (made != VK_SUCCESS) {
      return fail(Errc::gpu, fmt::format("glfwCreateWindowSurface failed: {} ({})",
                                         gpu::to_string(made), glfw_error()));
    }
    return surface;
  };
  auto created = gpu::Context::create(std::move(context_options));
  if (!created) return with_context(created.error(), "Vulkan");
  context_ = std::move(*created);
  if (auto installed = gpu::Context::install_shared(context_); !installed) {
    return with_context(installed.error(), "sharing the studio's Vulkan device");
  }
  log(LogLevel::info, kLogModule, "GPU: {} ({}); {}", context_->info().name,
      context_->info().driver_name, context_->choice().reason);

  auto format = choose_surface_format(*context_);
  if (!format) return tl::unexpected(format.error());
  surface_format_ = *format;
  auto pass = create_render_pass(*context_, surface_format_.format);
  if (!pass) return tl::unexpected(pass.error());
  render_pass_ = std::move(*pass);
  return {};
}

Status StudioApp::create_frames() {
  const VkDevice device = context_->device();
  frames_.resize(kFramesInFlight);
  for (FrameSlot& frame : frames_) {
    VkCommandPoolCreateInfo pool_info{};
    pool_info.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    pool_info.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
    pool_info.queueFamilyIndex = context_->queue_family();
    VkCommandPool pool = VK_NULL_HANDLE;
    CLINVID_VK_TRY(vkCreateCommandPool(device, &pool_info, nullptr, &pool));
    frame.pool = gpu::CommandPoolHandle(device, pool);

    VkCommandBufferAllocateInfo alloc{};
    alloc.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    alloc.commandPool = pool;
    alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    alloc.commandBufferCount = 1;
    CLINVID_VK_TRY(vkAllocateCommandBuffers(device, &alloc, &frame.cmd));

    VkFenceCreateInfo fence_info{};
    fence_info.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
    fence_info.flags = VK_FENCE_CREATE_SIGNALED_BIT;
    VkFence fence = VK_NULL_HANDLE;
    CLINVID_VK_TRY(vkCreateFence(device, &fence_info, nullptr, &fence));
    frame.done = gpu::FenceHandle(device, fence);

    VkSemaphoreCreateInfo semaphore_info{};
    semaphore_info.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO;
    VkSemaphore semaphore = VK_NULL_HANDLE;
    CLINVID_VK_TRY(vkCreateSemaphore(device, &semaphore_info, nullptr, &semaphore));
    frame.image_acquired = gpu::SemaphoreHandle(device, semaphore);
  }
  return {};
}

Status StudioApp::init_imgui() {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  imgui_initialised_ = true;
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no imgui.ini in the working directory; preferences come later
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  apply_theme(options_.theme);
  float scale_x = 1.0F;
  float scale_y = 1.0F;
  glfwGetWindowContentScale(window_.get(), &scale_x, &scale_y);
  load_fonts(scale_y);
  if (!ImGui_ImplGlfw_InitForVulkan(window_.get(), true)) {
    return fail(Errc::internal, "imgui_impl_glfw did not initialise");
  }
  auto renderer = ImGuiRenderer::create(*context_, render_pass_.get(), kFramesInFlight);
  if (!renderer) return tl::unexpected(renderer.error());
  renderer_ = std::move(*renderer);
  return renderer_->upload_fonts();
}

Status StudioApp::wait_gpu_idle() {
  // The queue is shared with clinvidcolor: waiting on it needs the queue mutex.
  const std::lock_guard lock(context_->queue_mutex());
  return gpu::vk_check(vkQueueWaitIdle(context_->queue()), "vkQueueWaitIdle");
}

Status StudioApp::recreate_swapchain(VkExtent2D framebuffer) {
  if (auto idle = wait_gpu_idle(); !idle) return idle;
  auto made = Swapchain::create(*context_, render_pass_.get(), surface_format_, framebuffer,
                                swapchain_.handle());
  if (!made) return with_context(made.error(), "swapchain");
  swapchain_ = std::move(*made);
  swapchain_dirty_ = false;
  if (!options_.screenshot_path.empty() && !swapchain_.readable()) {
    return fail(Errc::unsupported,
                "this display's swapchain images cannot be read back, so "
                "--screenshot is not available here");
  }
  return {};
}

Status StudioApp::run() {
  for (;;) {
    // Every way of quitting (menu, Ctrl+Q, the window's close button) sets this flag; unsaved
    // edits turn it into a question first (unsaved_prompt.hpp).
    if (glfwWindowShouldClose(window_.get()) == GLFW_TRUE) {
      if (quit_confirmed_ || unsaved_prompt_->allow(LeaveAction::quit)) break;
      glfwSetWindowShouldClose(window_.get(), GLFW_FALSE);
    }
    glfwPollEvents();
    if (script_ && pending_screenshot_.empty()) {
      auto state = script_->tick();
      if (!state) return tl::unexpected(state.error());
      if (*state == ScriptState::finished) return {};
    }
    editor_view_->update();
    export_view_->update();
    if (auto deadline = check_first_frame_deadline(); !deadline) return deadline;
    auto outcome = draw_frame();
    if (!outcome) return tl::unexpected(outcome.error());
    if (*outcome == FrameOutcome::screenshot_written) return {};
  }
  return {};
}

Status StudioApp::start_capture() {
  // After install_shared() so that clinvidcolor takes the studio's device from
  // Context::shared() (invariant 5): the plugin and the studio share libclinvid-engine.so.
  if (auto ready = init_gstreamer(); !ready) return ready;
  workstation_ = discover_workstation();
  if (options_.camera != CameraMode::test_pattern) return {};
  CaptureOptions capture_options;
  capture_options.camera_uris = options_.camera_uris;
  if (capture_options.camera_uris.empty()) {
    capture_options.camera_uris = {kTestCameraTheatre, kTestCameraGait};
  }
  capture_options.preview.pattern = options_.pattern;
  capture_options.preview.format = options_.camera_format;
  auto controller = CaptureController::create(std::move(capture_options));
  if (!controller) return tl::unexpected(controller.error());
  capture_ = std::move(*controller);
  for (std::size_t i = 0; i < capture_->camera_count(); ++i) {
    camera_textures_.push_back(
        std::make_unique<PreviewTexture>(*context_, *renderer_, kFramesInFlight));
    ghost_textures_.push_back(
        std::make_unique<PreviewTexture>(*context_, *renderer_, kFramesInFlight));
    standardised_textures_.push_back(
        std::make_unique<PreviewTexture>(*context_, *renderer_, kFramesInFlight));
    difference_textures_.push_back(
        std::make_unique<PreviewTexture>(*context_, *renderer_, kFramesInFlight));
  }
  return {};
}

bool StudioApp::cameras_showing() const {
  return !camera_textures_.empty() &&
         std::all_of(camera_textures_.begin(), camera_textures_.end(),
                     [](const auto& texture) { return texture->has_content(); });
}

Status StudioApp::upload_camera_frames(VkCommandBuffer cmd) {
  for (std::size_t i = 0; i < camera_textures_.size(); ++i) {
    for (auto [texture, slot] :
         {std::pair{camera_textures_[i].get(), &capture_->preview_slot(i)},
          std::pair{ghost_textures_[i].get(), &capture_->ghost_slot(i)},
          std::pair{standardised_textures_[i].get(), &capture_->standardised_slot(i)},
          std::pair{difference_textures_[i].get(), &capture_->calibration().difference_slot(i)}}) {
      if (auto uploaded =
              texture->record_upload(cmd, slot_, *slot, [this] { return wait_gpu_idle(); });
          !uploaded) {
        return uploaded;
      }
    }
  }
  return {};
}

Status StudioApp::check_first_frame_deadline() const {
  if (options_.screenshot_path.empty() || script_ || !capture_ || cameras_showing()) return {};
  const CaptureStatus status = capture_->status();
  for (std::size_t i = 0; i < status.preview_errors.size(); ++i) {
    if (!status.preview_errors[i].empty()) {
      return fail(Errc::media, fmt::format("camera {} failed before its first frame: {}",
                                           capture_->camera_uri(i), status.preview_errors[i]));
    }
  }
  const auto waited = std::chrono::steady_clock::now() - started_;
  if (waited < options_.first_frame_timeout) return {};
  return fail(Errc::media,
              fmt::format("no preview frame arrived within {:g} s from every camera "
                          "(GST_DEBUG=3 shows why)",
                          std::chrono::duration<double>(options_.first_frame_timeout).count()));
}

Result<StudioApp::FrameOutcome> StudioApp::draw_frame() {
  int width_px = 0;
  int height_px = 0;
  glfwGetFramebufferSize(window_.get(), &width_px, &height_px);
  if (width_px <= 0 || height_px <= 0) {
    glfwWaitEventsTimeout(0.05);  // minimised: nothing to present to
    return FrameOutcome::skipped;
  }
  const VkExtent2D framebuffer{static_cast<std::uint32_t>(width_px),
                               static_cast<std::uint32_t>(height_px)};
  if (swapchain_dirty_ || framebuffer.width != swapchain_.extent().width ||
      framebuffer.height != swapchain_.extent().height) {
    auto has_area = surface_has_area(*context_);
    if (!has_area) return tl::unexpected(has_area.error());
    if (!*has_area) {
      glfwWaitEventsTimeout(0.05);  // the surface lags the window: try again shortly
      return FrameOutcome::skipped;
    }
    if (auto made = recreate_swapchain(framebuffer); !made) return tl::unexpected(made.error());
  }

  FrameSlot& frame = frames_[slot_];
  const VkDevice device = context_->device();
  const VkFence fence = frame.done.get();
  CLINVID_VK_TRY(
      vkWaitForFences(device, 1, &fence, VK_TRUE, std::numeric_limits<std::uint64_t>::max()));
  std::uint32_t image_index = 0;
  const VkResult acquired =
      vkAcquireNextImageKHR(device, swapchain_.handle(), std::numeric_limits<std::uint64_t>::max(),
                            frame.image_acquired.get(), VK_NULL_HANDLE, &image_index);
  if (acquired == VK_ERROR_OUT_OF_DATE_KHR) {
    swapchain_dirty_ = true;
    return FrameOutcome::skipped;
  }
  if (acquired != VK_SUBOPTIMAL_KHR) CLINVID_VK_TRY(acquired);
  if (acquired == VK_SUBOPTIMAL_KHR) swapchain_dirty_ = true;  // draw this one, then rebuild
  CLINVID_VK_TRY(vkResetFences(device, 1, &fence));

  CLINVID_VK_TRY(vkResetCommandPool(device, frame.pool.get(), 0));
  VkCommandBufferBeginInfo begin{};
  begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  CLINVID_VK_TRY(vkBeginCommandBuffer(frame.cmd, &begin));
  if (capture_) {
    if (auto uploaded = upload_camera_frames(frame.cmd); !uploaded) {
      return tl::unexpected(uploaded.error());
    }
  }
  if (auto uploaded = editor_texture_->record_upload(frame.cmd, slot_, preview_worker_->slot(),
                                                     [this] { return wait_gpu_idle(); });
      !uploaded) {
    return tl::unexpected(uploaded.error());
  }
  if (auto uploaded =
          review_view_->record_upload(frame.cmd, slot_, [this] { return wait_gpu_idle(); });
      !uploaded) {
    return tl::unexpected(uploaded.error());
  }
  if (auto uploaded =
          library_view_->record_upload(frame.cmd, slot_, [this] { return wait_gpu_idle(); });
      !uploaded) {
    return tl::unexpected(uploaded.error());
  }
  if (cameras_showing()) ++frames_with_preview_;
  const bool capture = !pending_screenshot_.empty() ||
                       (!script_ && !options_.screenshot_path.empty() && cameras_showing() &&
                        frames_with_preview_ == options_.screenshot_frames);
  if (auto recorded = record_frame(frame, image_index, capture); !recorded) {
    return tl::unexpected(recorded.error());
  }

  const VkSemaphore wait_semaphore = frame.image_acquired.get();
  const VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  const VkSemaphore signal_semaphore = swapchain_.render_finished(image_index);
  VkSubmitInfo submit{};
  submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  submit.waitSemaphoreCount = 1;
  submit.pWaitSemaphores = &wait_semaphore;
  submit.pWaitDstStageMask = &wait_stage;
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &frame.cmd;
  submit.signalSemaphoreCount = 1;
  submit.pSignalSemaphores = &signal_semaphore;
  if (auto submitted = context_->submit(submit, fence); !submitted) {
    return tl::unexpected(submitted.error());
  }
  if (auto presented = present(image_index); !presented) {
    return tl::unexpected(presented.error());
  }
  slot_ = (slot_ + 1) % kFramesInFlight;
  if (capture) {
    if (auto written = write_screenshot(frame); !written) return tl::unexpected(written.error());
    if (!pending_screenshot_.empty()) {
      pending_screenshot_.clear();
      return FrameOutcome::presented;
    }
    return FrameOutcome::screenshot_written;
  }
  return FrameOutcome::presented;
}

Status StudioApp::record_frame(FrameSlot& frame, std::uint32_t image_index, bool capture) {
  ImGui_ImplGlfw_NewFrame();
  if (injector_) injector_->apply();
  probe_new_frame();
  ImGui::NewFrame();
  draw_ui();
  ImGui::Render();

  const ImVec4 background = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
  VkClearValue clear{};
  clear.color = {{background.x, background.y, background.z, 1.0F}};
  VkRenderPassBeginInfo pass{};
  pass.sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO;
  pass.renderPass = render_pass_.get();
  pass.framebuffer = swapchain_.framebuffer(image_index);
  pass.renderArea.extent = swapchain_.extent();
  pass.clearValueCount = 1;
  pass.pClearValues = &clear;
  vkCmdBeginRenderPass(frame.cmd, &pass, VK_SUBPASS_CONTENTS_INLINE);
  auto drawn = renderer_->record(frame.cmd, *ImGui::GetDrawData(), slot_);
  vkCmdEndRenderPass(frame.cmd);
  if (!drawn) return drawn;

  if (capture) {
    const VkExtent2D extent = swapchain_.extent();
    const VkDeviceSize bytes = VkDeviceSize{extent.width} * extent.height * 4;
    if (readback_.size_bytes() < bytes) {
      auto made = gpu::Buffer::create(*context_, bytes, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                      gpu::MemoryUse::readback, "studio.screenshot");
      if (!made) return with_context(made.error(), "screenshot buffer");
      readback_ = std::move(*made);
    }
    record_swapchain_readback(frame.cmd, swapchain_.image(image_index), extent, readback_.handle());
  }
  CLINVID_VK_TRY(vkEndCommandBuffer(frame.cmd));
  return {};
}

Status StudioApp::present(std::uint32_t image_index) {
  const VkSemaphore wait_semaphore = swapchain_.render_finished(image_index);
  const VkSwapchainKHR swapchain = swapchain_.handle();
  VkPresentInfoKHR info{};
  info.sType = VK_STRUCTURE_TYPE_PRESENT_INFO_KHR;
  info.waitSemaphoreCount = 1;
  info.pWaitSemaphores = &wait_semaphore;
  info.swapchainCount = 1;
  info.pSwapchains = &swapchain;
  info.pImageIndices = &image_index;
  VkResult presented = VK_SUCCESS;
  {
    const std::lock_guard lock(context_->queue_mutex());
    presented = vkQueuePresentKHR(context_->queue(), &info);
  }
  if (presented == VK_ERROR_OUT_OF_DATE_KHR || presented == VK_SUBOPTIMAL_KHR) {
    swapchain_dirty_ = true;
    return {};
  }
  return gpu::vk_check(presented, "vkQueuePresentKHR");
}

Status StudioApp::write_screenshot(FrameSlot& frame) {
  const VkFence fence = frame.done.get();
  CLINVID_VK_TRY(vkWaitForFences(context_->device(), 1, &fence, VK_TRUE,
                                 std::numeric_limits<std::uint64_t>::max()));
  if (auto visible = readback_.invalidate(); !visible) return visible;
  const VkExtent2D extent = swapchain_.extent();
  const std::span<const std::byte> texels(readback_.mapped(),
                                          static_cast<std::size_t>(readback_.size_bytes()));
  auto rgba = to_opaque_rgba(texels, swapchain_.format(), extent.width, extent.height);
  if (!rgba) return tl::unexpected(rgba.error());
  const std::string& path =
      pending_screenshot_.empty() ? options_.screenshot_path : pending_screenshot_;
  if (auto written = write_png(path, *rgba, extent.width, extent.height); !written) {
    return written;
  }
  if (pending_screenshot_.empty()) {
    fmt::print("clinvid-studio: wrote {} ({}x{}, after {} frames with the preview)\n", path,
               extent.width, extent.height, frames_with_preview_);
  }
  return {};
}

void StudioApp::draw_ui() {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  constexpr ImGuiWindowFlags kHostFlags =
      ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
      ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_MenuBar;
  ImGui::Begin("clinvid studio", nullptr, kHostFlags);
  lock_screen_->update();
  handle_session_keys();
  if (ImGui::BeginMenuBar()) {
    if (ImGui::BeginMenu("File")) {
      draw_session_menu();
      if (ImGui::MenuItem("Quit", "Ctrl+Q")) glfwSetWindowShouldClose(window_.get(), GLFW_TRUE);
      ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
      if (ImGui::MenuItem("Dark theme", nullptr, options_.theme == Theme::dark)) {
        options_.theme = Theme::dark;
        apply_theme(options_.theme);
      }
      if (ImGui::MenuItem("Light theme", nullptr, options_.theme == Theme::light)) {
        options_.theme = Theme::light;
        apply_theme(options_.theme);
      }
      ImGui::EndMenu();
    }
    const std::string who =
        model_->signed_in()
            ? fmt::format("{} ({})", model_->user().name, consent::to_string(model_->user().role))
            : std::string("not signed in");
    const std::string status = fmt::format("{}  |  {}  |  {:.0f} fps", who, context_->info().name,
                                           static_cast<double>(ImGui::GetIO().Framerate));
    ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize(status.c_str()).x - 16.0F);
    ImGui::TextColored(kMutedColour, "%s", status.c_str());
    ImGui::EndMenuBar();
  }
  // imgui_impl_glfw (1.86) indexes keys by GLFW key code.
  if (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_Q)) {
    glfwSetWindowShouldClose(window_.get(), GLFW_TRUE);
  }
  if (lock_screen_->locked()) {
    lock_screen_->draw();  // instead of every view: no patient content while locked
  } else if (ImGui::BeginTabBar("studio.views")) {
    draw_view_tab(ViewId::capture, "Capture", [this] {
      if (capture_view_) {
        capture_view_->draw();
      } else {
        ImGui::TextColored(kMutedColour, "No camera: the studio was started with --camera none.");
      }
    });
    draw_view_tab(ViewId::library, "Library", [this] { library_view_->draw(); });
    draw_view_tab(ViewId::editor, "Editor", [this] { editor_view_->draw(); });
    draw_view_tab(ViewId::review, "Review", [this] { review_view_->draw(); });
    draw_view_tab(ViewId::export_film, "Export", [this] { export_view_->draw(); });
    draw_view_tab(ViewId::consent, "Consent", [this] { consent_view_->draw(); });
    draw_view_tab(ViewId::settings, "Settings", [this] { settings_view_->draw(); });
    ImGui::EndTabBar();
  }
  if (!lock_screen_->locked()) requested_view_.reset();
  if (const LeaveAction decided = unsaved_prompt_->draw(); decided != LeaveAction::invalid) {
    leave(decided);
  }
  ImGui::End();
  if (!lock_screen_->locked()) help_overlay_.draw(current_view_);
}

// A view the signed-in role may not use is drawn disabled, with the reason as its tooltip;
// before sign-in the archive views show the sign-in form.
void StudioApp::draw_view_tab(ViewId view, const char* label, const std::function<void()>& draw) {
  const std::string reason = model_->view_unavailable_reason(view);
  const bool blocked = !reason.empty() && model_->signed_in();
  const ImGuiTabItemFlags flags =
      requested_view_ == view ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None;
  ImGui::BeginDisabled(blocked);
  const bool open = ImGui::BeginTabItem(label, nullptr, flags);
  ImGui::EndDisabled();
  if (blocked && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip("%s", reason.c_str());
  }
  if (!open) return;
  current_view_ = view;
  if (view != ViewId::capture && !model_->signed_in()) {
    sign_in_view_->draw();
  } else if (blocked) {
    ImGui::TextColored(kWarningColour, "%s", reason.c_str());
  } else {
    if (view != ViewId::capture) {
      ImGui::TextColored(kMutedColour, "%s · %s", model_->user().name.c_str(),
                         std::string(consent::to_string(model_->user().role)).c_str());
    }
    draw();
  }
  ImGui::EndTabItem();
}

}  // namespace clinvid::studio
