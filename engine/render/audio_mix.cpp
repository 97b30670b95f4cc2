#include "render/audio_mix.hpp"

#include <algorithm>
#include <cmath>

namespace clinvid::render {
namespace {

const Rational kSampleTimebase = Rational::make(1, kMixSampleRate).value();

Result<std::int64_t> samples(const Time& t) {
  return t.in(kSampleTimebase, Rounding::nearest);
}

}  // namespace

Result<AudioMixer> AudioMixer::create(std::vector<timeline::AudioSegment> plans,
                                      SourceResolver resolve) {
  AudioMixer mixer;
  mixer.resolve_ = std::move(resolve);
  for (auto& plan : plans) {
    if (plan.speed != Rational()) continue;  // silent: see the header
    auto first = samples(plan.timeline_start);
    auto length = samples(plan.duration);
    auto source_first = samples(plan.source_in);
    if (!first || !length || !source_first) {
      return fail(Errc::out_of_range, "audio segment of " + plan.recording_id + " is out of range");
    }
    if (*length <= 0) continue;
    Segment s;
    s.first = *first;
    s.last = *first + *length;
    s.source_first = *source_first;
    s.gain = static_cast<float>(std::pow(10.0, plan.gain_db / 20.0));
    s.plan = std::move(plan);
    mixer.segments_.push_back(std::move(s));
  }
  return mixer;
}

Result<media::AudioDecoder*> AudioMixer::decoder(const timeline::AudioSegment& segment) {
  const auto key = std::make_pair(segment.recording_id, segment.stream);
  auto it = decoders_.find(key);
  if (it != decoders_.end()) return it->second.get();
  auto media = resolve_(segment.recording_id);
  if (!media) return with_context(media.error(), "recording " + segment.recording_id);
  auto opened = media::AudioDecoder::open(media->path, media->identities(), segment.stream,
                                          static_cast<int>(kMixSampleRate), kMixChannels);
  if (!opened) return with_context(opened.error(), "audio of recording " + segment.recording_id);
  auto owned = std::make_unique<media::AudioDecoder>(std::move(*opened));
  auto* raw = owned.get();
  decoders_.emplace(key, std::move(owned));
  return raw;
}

Result<std::vector<float>> AudioMixer::mix(std::int64_t first, std::int64_t last) {
  const auto count = static_cast<std::size_t>(std::max<std::int64_t>(0, last - first));
  std::vector<float> out(count * kMixChannels, 0.0F);
  for (const Segment& s : segments_) {
    const std::int64_t from = std::max(first, s.first);
    const std::int64_t to = std::min(last, s.last);
    if (from >= to) continue;
    auto dec = decoder(s.plan);
    if (!dec) return tl::unexpected(dec.error());
    const Time start(s.source_first + (from - s.first), kSampleTimebase);
    auto got = (*dec)->read(start, Time(to - from, kSampleTimebase));
    if (!got) return with_context(got.error(), "audio of recording " + s.plan.recording_id);
    const auto offset = static_cast<std::size_t>(from - first) * kMixChannels;
    const std::size_t n = std::min(got->size(), out.size() - offset);
    for (std::size_t k = 0; k < n; ++k) out[offset + k] += (*got)[k] * s.gain;
  }
  for (float& v : out) v = std::clamp(v, -1.0F, 1.0F);
  return out;
}

}  // namespace clinvid::render
