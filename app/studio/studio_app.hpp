// The studio's window, swapchain and frame loop.
//
// Threads: everything here runs on the main (UI) thread. GStreamer's streaming thread only
// publishes into the PreviewSlot; clinvidcolor, when present, submits compute work on the
// same device and queue through Context::submit. The loop never waits for the camera: each
// frame takes whatever preview frame is newest and presents at the display's pace (FIFO).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <vulkan/vulkan.h>

#include "capture_controller.hpp"
#include "core/result.hpp"
#include "gpu/buffer.hpp"
#include "gpu/context.hpp"
#include "gpu/handle.hpp"
#include "help_overlay.hpp"
#include "imgui_renderer.hpp"
#include "input_injector.hpp"
#include "lock_screen.hpp"
#include "preview_source.hpp"
#include "preview_texture.hpp"
#include "preview_worker.hpp"
#include "script.hpp"
#include "studio_model.hpp"
#include "swapchain.hpp"
#include "theme.hpp"
#include "unsaved_prompt.hpp"
#include "views/capture_view.hpp"
#include "views/consent_view.hpp"
#include "views/editor_view.hpp"
#include "views/export_view.hpp"
#include "views/library_view.hpp"
#include "views/review_view.hpp"
#include "views/settings_view.hpp"
#include "views/sign_in_view.hpp"

struct GLFWwindow;

namespace clinvid::studio {

// Whether the Capture view has cameras: the built-in test cameras (or camera_uris), or none.
enum class CameraMode { invalid = 0, test_pattern, none };

struct StudioOptions {
  std::uint32_t window_width = 1280;
  std::uint32_t window_height = 720;
  TestPattern pattern = TestPattern::scene;
  CameraFormat camera_format = CameraFormat::nv12;
  Theme theme = Theme::dark;
  // When set (and no script): draw `screenshot_frames` frames showing the preview, write the window
  // to this PNG and return. Fails if no preview frame arrives within `first_frame_timeout`.
  std::string screenshot_path;
  std::uint32_t screenshot_frames = 30;
  std::chrono::milliseconds first_frame_timeout{20'000};
  CameraMode camera = CameraMode::test_pattern;
  // The cameras to capture (capture::parse_source URIs); empty: the two built-in test cameras.
  std::vector<std::string> camera_uris;
  std::filesystem::path archive_dir;  // the archive the Library, Editor and Export views use
  // When both are set the studio signs in at start; the file's first line is the passphrase.
  std::string user;
  std::filesystem::path passphrase_file;
  // When set: run these steps through the frame loop (script.hpp), then exit.
  std::filesystem::path script_path;
  // Lock the studio after this long without input (0: only when asked, Ctrl+L).
  std::chrono::seconds lock_after = kDefaultLockAfter;
};

class StudioApp {
 public:
  // Opens the window, creates and installs the process's Vulkan context (with the window's
  // surface), then starts the test camera. glfwInit() must have succeeded.
  [[nodiscard]] static Result<std::unique_ptr<StudioApp>> create(const StudioOptions& options);
  // Stops the camera, waits for the GPU and releases everything but the window: the shared
  // Context still owns the surface (see the note in studio_app.cpp).
  ~StudioApp();
  StudioApp(const StudioApp&) = delete;
  StudioApp& operator=(const StudioApp&) = delete;
  StudioApp(StudioApp&&) = delete;
  StudioApp& operator=(StudioApp&&) = delete;

  // Runs until the window closes or the screenshot is written.
  [[nodiscard]] Status run();

 private:
  static constexpr std::uint32_t kFramesInFlight = 2;

  struct FrameSlot {
    gpu::CommandPoolHandle pool;
    VkCommandBuffer cmd = VK_NULL_HANDLE;  // freed with the pool
    gpu::FenceHandle done;                 // created signalled
    gpu::SemaphoreHandle image_acquired;
  };
  enum class FrameOutcome { invalid = 0, presented, skipped, screenshot_written };

  explicit StudioApp(StudioOptions options) : options_(std::move(options)) {}
  [[nodiscard]] Status create_window();
  [[nodiscard]] Status create_context();
  [[nodiscard]] Status create_frames();
  [[nodiscard]] Status init_imgui();
  [[nodiscard]] Status recreate_swapchain(VkExtent2D framebuffer);
  [[nodiscard]] Status wait_gpu_idle();
  [[nodiscard]] Result<FrameOutcome> draw_frame();
  [[nodiscard]] Status record_frame(FrameSlot& frame, std::uint32_t image_index, bool capture);
  [[nodiscard]] Status present(std::uint32_t image_index);
  [[nodiscard]] Status write_screenshot(FrameSlot& frame);
  [[nodiscard]] Status check_first_frame_deadline() const;
  [[nodiscard]] Status start_capture();
  [[nodiscard]] Status upload_camera_frames(VkCommandBuffer cmd);
  // True once every camera's preview has shown a frame.
  [[nodiscard]] bool cameras_showing() const;
  void draw_ui();
  // Lock, help, unsaved-changes prompt and their keys and menu items (studio_app.cpp).
  void draw_session_menu();
  void handle_session_keys();
  void leave(LeaveAction action);
  // The session steps of the scripted test mode: lock_after, lock_now, wait_locked, sign_out.
  void add_session_steps();
  void draw_view_tab(ViewId view, const char* label, const std::function<void()>& draw);
  [[nodiscard]] Status sign_in_from_options();
  [[nodiscard]] Status create_views();
  // The scripted test mode's general steps (studio_steps.cpp).
  void add_script_steps();

  // Closes the window after letting go of the process-wide Context, which owns the window's
  // surface. Declared before every GPU member, so it runs after all of them are destroyed.
  struct WindowCloser {
    void operator()(GLFWwindow* window) const noexcept;
  };

  StudioOptions options_;
  std::unique_ptr<GLFWwindow, WindowCloser> window_;
  std::shared_ptr<gpu::Context> context_;
  VkSurfaceFormatKHR surface_format_{};
  gpu::RenderPassHandle render_pass_;
  std::vector<FrameSlot> frames_;
  bool imgui_initialised_ = false;
  std::unique_ptr<ImGuiRenderer> renderer_;
  Swapchain swapchain_;
  bool swapchain_dirty_ = false;
  std::unique_ptr<CaptureController> capture_;
  std::vector<std::unique_ptr<PreviewTexture>> camera_textures_;  // one per camera
  std::vector<std::unique_ptr<PreviewTexture>> ghost_textures_;   // one per camera

  // One per camera: the preview through the accepted profile, and the calibration's
  // difference view.
  std::vector<std::unique_ptr<PreviewTexture>> standardised_textures_;
  std::vector<std::unique_ptr<PreviewTexture>> difference_textures_;
  Workstation workstation_;
  std::unique_ptr<CaptureView> capture_view_;
  gpu::Buffer readback_;

  std::unique_ptr<StudioModel> model_;
  std::unique_ptr<PreviewWorker> preview_worker_;
  std::unique_ptr<PreviewTexture> editor_texture_;
  std::unique_ptr<SignInView> sign_in_view_;
  std::unique_ptr<LibraryView> library_view_;
  std::unique_ptr<EditorView> editor_view_;
  std::unique_ptr<ExportView> export_view_;
  std::unique_ptr<ConsentView> consent_view_;
  std::unique_ptr<SettingsView> settings_view_;
  std::unique_ptr<LockScreen> lock_screen_;
  HelpOverlay help_overlay_;
  std::unique_ptr<UnsavedPrompt> unsaved_prompt_;
  bool quit_confirmed_ = false;            // the unsaved-changes prompt answered for quitting
  ViewId current_view_ = ViewId::capture;  // the tab drawn last (for the help overlay)
  std::chrono::steady_clock::time_point wait_started_;  // the wait_locked step
  std::unique_ptr<ReviewView> review_view_;  // holds a texture: reset while the GPU is idle
  ScriptVerbs verbs_;
  std::unique_ptr<InputInjector> injector_;  // only in the scripted test mode
  std::unique_ptr<ScriptRunner> script_;
  std::optional<ViewId> requested_view_;  // selected by the next frame's tab bar
  std::string pending_screenshot_;        // a script's screenshot, taken by the next frame

  std::uint32_t slot_ = 0;
  std::uint32_t frames_with_preview_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace clinvid::studio
