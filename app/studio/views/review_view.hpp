// Review: two or more recordings of a movement review side by side on one clock (sync.hpp),
// stepped (←/→) and played in slow motion together, with measurement tools drawn on the
// frames (distance, calibrated to mm when the view has a scale; angle from three clicks;
// angle to the vertical), joint-angle curves of the review's tracks under the video with a
// cursor at the current frame, gait-event keys (H heel strike, T toe off; with Shift the left
// foot) and the cadence and stride parameters once enough events are marked.
//
// Reviews come from a review JSON file (e.g. `clinvid analyse demo-review` + `track`) or from
// the archive (saved here); every view's recording is opened only after the gate allows
// `view` for the chosen purpose. Saving seals the review in the archive (review_session.hpp).
//
// UI thread only. Frames are decoded by ReviewDecoder on its own thread; the view posts the
// frames it wants and draws the newest picture, so the UI never waits for a decoder.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <imgui.h>
#include <vulkan/vulkan.h>

#include "imgui_renderer.hpp"
#include "preview_texture.hpp"
#include "review_decoder.hpp"
#include "review_session.hpp"
#include "script.hpp"
#include "studio_model.hpp"

namespace clinvid::studio {

class ReviewView {
 public:
  // `model`, `context` and `renderer` must outlive the view; destroy it while the GPU is idle.
  ReviewView(StudioModel& model, gpu::Context& context, ImGuiRenderer& renderer,
             std::uint32_t frames_in_flight);

  void draw();
  // Registers the scripted test mode's steps for this view (script.hpp).
  void add_script_steps(ScriptVerbs& verbs);
  // The frame loop uploads the newest decoded picture before its render pass.
  [[nodiscard]] Status record_upload(VkCommandBuffer cmd, std::uint32_t frame_slot,
                                     const std::function<Status()>& wait_gpu_idle);

  // The actions the widgets, keys and the scripted test mode take.
  [[nodiscard]] Status open_file(const std::filesystem::path& review_json,
                                 consent::Purpose purpose);
  [[nodiscard]] Status open_saved(const std::string& name, consent::Purpose purpose);
  [[nodiscard]] Result<archive::ProjectInfo> save();
  [[nodiscard]] Status mark_event(analysis::Side side, analysis::GaitEventKind kind);
  [[nodiscard]] ReviewSession& session() noexcept { return session_; }
  // True when the picture shown holds the frames the cursor asks for.
  [[nodiscard]] bool frames_current() const;

 private:
  [[nodiscard]] Status open_review(analysis::Review review, std::string name,
                                   consent::Purpose purpose);
  void update();
  void handle_keys();
  void draw_toolbar();
  void draw_canvas();
  void draw_overlays(ImDrawList& draw);
  void draw_curves();
  void draw_details();
  void on_canvas_click(ImVec2 mouse);
  void report(const Status& status, const std::string& done);
  [[nodiscard]] ImVec2 to_screen(std::size_t view, analysis::Point2 px) const;
  [[nodiscard]] std::vector<std::int64_t> wanted_frames() const;

  StudioModel* model_;
  PreviewTexture texture_;
  ReviewDecoder decoder_;
  ReviewSession session_;
  std::vector<std::int64_t> requested_;
  std::size_t active_view_ = 0;
  ImVec2 canvas_origin_{};
  float canvas_scale_ = 0.0F;
  std::optional<std::pair<std::size_t, analysis::Point2>> script_target_;
  std::chrono::steady_clock::time_point last_tick_ = std::chrono::steady_clock::now();
  std::array<char, 512> path_{};
  std::array<char, 101> name_{};
  int purpose_index_ = 0;
  std::string message_;
  bool message_is_error_ = false;
};

}  // namespace clinvid::studio
