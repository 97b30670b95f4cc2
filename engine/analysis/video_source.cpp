#include "analysis/video_source.hpp"

#include <string>
#include <utility>

#include "media/decoder.hpp"

namespace clinvid::analysis {

struct RecordingInput::State {
  media::VideoDecoder decoder;
  Rational frame_rate;
  std::int64_t frame_count = 0;
  Time start;
  std::shared_ptr<const Frame> current;  // keeps the last returned view alive
};

RecordingInput::RecordingInput(std::unique_ptr<State> state) noexcept : state_(std::move(state)) {}
RecordingInput::~RecordingInput() = default;
RecordingInput::RecordingInput(RecordingInput&&) noexcept = default;
RecordingInput& RecordingInput::operator=(RecordingInput&&) noexcept = default;

Result<RecordingInput> RecordingInput::open(const std::filesystem::path& age_file,
                                            std::span<const crypto::Identity> identities,
                                            int stream) {
  auto decoder = media::VideoDecoder::open(age_file, identities, stream);
  if (!decoder) return with_context(decoder.error(), "opening " + age_file.string());
  const media::StreamInfo info = decoder->stream();
  if (!info.frame_rate || info.frame_rate->num() <= 0) {
    return fail(Errc::unsupported, age_file.string() + ": video stream " +
                                       std::to_string(info.index) + " states no frame rate");
  }
  const Rational rate = *info.frame_rate;
  std::int64_t frame_count = 0;
  if (const std::optional<Time> duration = decoder->duration()) {
    // Frames = duration x rate, rounded: a container's duration is exact only to +-1/2 tick.
    auto count = duration->in(rate.inverse(), Rounding::nearest);
    if (!count) return with_context(count.error(), age_file.string() + ": frame count");
    frame_count = *count;
  } else {
    // A streamed recording (clinvid record writes Matroska as a stream, so a crash loses at
    // most a second) states no duration: count the frames by decoding them once, stepping by
    // each frame's own duration, until the decoder returns the last frame again. The frames
    // stay in the decoder's cache for the tracker's first sweep.
    auto first = decoder->frame_at(decoder->start_time().value_or(Time{0, info.timebase}));
    if (!first) return with_context(first.error(), age_file.string() + ": counting frames");
    Time pts = first->pts;
    Time step = first->duration;
    for (frame_count = 1;; ++frame_count) {
      auto next_t = add(pts, step);
      if (!next_t) return with_context(next_t.error(), age_file.string() + ": counting frames");
      auto next = decoder->frame_at(*next_t);
      if (!next) return with_context(next.error(), age_file.string() + ": counting frames");
      if (!(pts < next->pts)) break;
      pts = next->pts;
      step = next->duration;
      if (step.value() <= 0) step = Time::frames(1, rate);
    }
  }
  if (frame_count <= 0) {
    return fail(Errc::corrupt, age_file.string() + ": the video stream has no frames");
  }
  auto state = std::make_unique<State>(State{std::move(*decoder), rate, frame_count, {}, {}});
  state->start = state->decoder.start_time().value_or(Time{0, info.timebase});
  return RecordingInput(std::move(state));
}

Rational RecordingInput::frame_rate() const noexcept {
  return state_->frame_rate;
}
std::int64_t RecordingInput::frame_count() const noexcept {
  return state_->frame_count;
}
std::uint32_t RecordingInput::width_px() const noexcept {
  return static_cast<std::uint32_t>(state_->decoder.stream().width);
}
std::uint32_t RecordingInput::height_px() const noexcept {
  return static_cast<std::uint32_t>(state_->decoder.stream().height);
}

Time RecordingInput::start() const noexcept {
  return state_->start;
}

VideoInput RecordingInput::input() {
  State* s = state_.get();
  FrameSource source = [s](std::int64_t index) -> Result<ConstFrameView> {
    if (index < 0 || index >= s->frame_count) {
      return fail(Errc::out_of_range, "frame " + std::to_string(index) + " outside 0.." +
                                          std::to_string(s->frame_count - 1));
    }
    auto at = add(s->start, Time::frames(index, s->frame_rate));
    if (!at) return tl::unexpected(at.error());
    auto decoded = s->decoder.frame_at(*at);
    if (!decoded) return with_context(decoded.error(), "frame " + std::to_string(index));
    s->current = std::move(decoded->frame);
    return s->current->view();
  };
  return {std::move(source), s->frame_rate, s->frame_count};
}

}  // namespace clinvid::analysis
