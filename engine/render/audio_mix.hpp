// The film's sound: every audio segment of the timeline (narration, recorded sound) decoded
// from its encrypted recording, gain applied, summed and clipped, as interleaved stereo float at
// 48 kHz. A segment played at a speed other than 1 is silent (pitch-shifted clinical sound
// misleads more than it helps); a frozen clip has no sound.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "media/audio_decoder.hpp"
#include "render/source_media.hpp"
#include "timeline/evaluate.hpp"

namespace clinvid::render {

inline constexpr std::int64_t kMixSampleRate = 48000;
inline constexpr int kMixChannels = 2;

// Move-only; one thread at a time.
class AudioMixer {
 public:
  [[nodiscard]] static Result<AudioMixer> create(std::vector<timeline::AudioSegment> segments,
                                                 SourceResolver resolve);
  [[nodiscard]] bool has_audio() const noexcept { return !segments_.empty(); }
  // Samples [first, last) of the film (sample n plays at n / 48000 s), interleaved stereo.
  [[nodiscard]] Result<std::vector<float>> mix(std::int64_t first, std::int64_t last);

 private:
  struct Segment {
    timeline::AudioSegment plan;
    std::int64_t first = 0, last = 0;  // film samples it covers
    std::int64_t source_first = 0;     // source sample at `first`
    float gain = 1;
  };
  AudioMixer() = default;
  [[nodiscard]] Result<media::AudioDecoder*> decoder(const timeline::AudioSegment& segment);

  std::vector<Segment> segments_;
  SourceResolver resolve_;
  std::map<std::pair<std::string, int>, std::unique_ptr<media::AudioDecoder>> decoders_;
};

}  // namespace clinvid::render
