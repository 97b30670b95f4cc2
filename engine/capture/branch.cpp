#include "capture/branch.hpp"

#include <fmt/format.h>

#include "capture/gst_support.hpp"

namespace clinvid::capture {
namespace {

// The part that produces raw video, ending in element "src" or a chain after it.
Result<std::string> source_part(const SourceSpec& s, std::uint32_t width, std::uint32_t height,
                                const std::optional<Rational>& rate) {
  const auto scale_to = [&] {
    return fmt::format(
        " ! videoconvert ! videoscale ! video/x-raw,format=I420,width={},height={},"
        "pixel-aspect-ratio=1/1",
        width, height);
  };
  switch (s.kind) {
    case SourceKind::test:
      return fmt::format(
          "videotestsrc name=src is-live=true pattern=black ! capsfilter name=srccaps "
          "caps=video/x-raw,format=I420,width={},height={},framerate={}/{},"
          "pixel-aspect-ratio=1/1,colorimetry=bt709",
          width, height, rate->num(), rate->den());
    case SourceKind::v4l2: {
      // MJPEG or raw, whichever the camera offers at the asked size and rate.
      std::string caps;
      if (s.width) caps += fmt::format(",width={}", *s.width);
      if (s.height) caps += fmt::format(",height={}", *s.height);
      if (s.rate) caps += fmt::format(",framerate={}/{}", s.rate->num(), s.rate->den());
      return fmt::format(
                 "v4l2src name=src device={} ! capsfilter caps=\"video/x-raw{};"
                 "image/jpeg{}\" ! decodebin",
                 s.location, caps, caps) +
             scale_to();
    }
    case SourceKind::rtsp:
      return fmt::format("rtspsrc name=src location=\"{}\" latency=200 ! decodebin", s.location) +
             scale_to();
    case SourceKind::file:
      // clocksync paces decoded frames to the pipeline clock: the file plays as a live camera.
      return fmt::format("uridecodebin name=src uri=\"{}\" caps=video/x-raw ! clocksync",
                         s.location) +
             scale_to();
    case SourceKind::invalid: break;
  }
  return fail(Errc::invalid_argument, s.uri + ": no source");
}

}  // namespace

Result<std::string> choose_video_encoder(EncoderKind kind) {
  const auto need = [](const char* factory, const char* what) -> Result<std::string> {
    if (have_element(factory)) return std::string(factory);
    return fail(Errc::unsupported,
                std::string(what) + " encoder (" + factory + ") is not available on this machine");
  };
  switch (kind) {
    case EncoderKind::x264: return need("x264enc", "the x264");
    case EncoderKind::nvenc: return need("nvh264enc", "the NVENC");
    case EncoderKind::vaapi: return need("vah264enc", "the VA-API");
    case EncoderKind::automatic:
      for (const char* f : {"nvh264enc", "vah264enc", "x264enc"}) {
        if (have_element(f)) return std::string(f);
      }
      return fail(Errc::unsupported, "no H.264 encoder (x264enc, nvh264enc, vah264enc) installed");
    case EncoderKind::invalid: break;
  }
  return fail(Errc::invalid_argument, "no encoder chosen");
}

Result<BranchPlan> plan_camera(const SourceSpec& source, const Preset& preset,
                               const std::string& encoder_factory) {
  BranchPlan plan;
  plan.width = source.width.value_or(preset.width);
  plan.height = source.height.value_or(preset.height);
  if (source.kind == SourceKind::test || source.rate) plan.rate = source.rate.value_or(preset.rate);
  if (plan.width % 2 != 0 || plan.height % 2 != 0) {
    return fail(Errc::invalid_argument,
                source.uri + ": width and height must be even for H.264 4:2:0");
  }
  auto src = source_part(source, plan.width, plan.height, plan.rate);
  if (!src) return tl::unexpected(src.error());
  const Rational rate = plan.rate.value_or(preset.rate);
  plan.bitrate_kbps = bitrate_kbps(preset, plan.width, plan.height, rate);
  const auto key_int = std::max<std::int64_t>(1, (rate.num() + rate.den() - 1) / rate.den());
  plan.encoder = encoder_factory;
  plan.codec = "h264";
  std::string encoder;
  if (encoder_factory == "x264enc") {
    // CBR with filler data: the bitrate is a floor, which bounds what a crash can lose (the
    // age writer's unsealed chunk). One keyframe a second: seeking and recovery granularity.
    encoder = fmt::format(
        "x264enc name=enc tune=zerolatency speed-preset={} key-int-max={} bitrate={} "
        "vbv-buf-capacity=1000 option-string=nal-hrd=cbr:filler=1 ! "
        "video/x-h264,stream-format=avc,alignment=au",
        preset.x264_speed, key_int, plan.bitrate_kbps);
  } else if (encoder_factory == "nvh264enc") {
    encoder = fmt::format(
        "nvh264enc name=enc preset=low-latency-hq rc-mode=cbr bitrate={} gop-size={} "
        "zerolatency=true "
        "! h264parse ! video/x-h264,stream-format=avc,alignment=au",
        plan.bitrate_kbps, key_int);
  } else if (encoder_factory == "vah264enc") {
    encoder = fmt::format(
        "vah264enc name=enc rate-control=cbr bitrate={} key-int-max={} ! h264parse ! "
        "video/x-h264,stream-format=avc,alignment=au",
        plan.bitrate_kbps, key_int);
  } else {
    return fail(Errc::unsupported, "unknown encoder element " + encoder_factory);
  }
  // The capture queue decouples the source's thread from processing, as a camera's own
  // buffers do: when standardisation falls behind, the oldest frames are dropped there and show
  // as gaps in the timestamps (counted), instead of the source drifting behind the clock. The
  // preview queue leaks the oldest frame; the encoder queue holds up to 2 s, then drops
  // (counted) rather than stalling capture.
  plan.description = *src +
                     " ! queue name=srcq leaky=downstream max-size-buffers=3 max-size-bytes=0 "
                     "max-size-time=0 ! clinvidcolor name=colour ! video/x-raw,format=I420 ! tee "
                     "name=t "
                     "t. ! queue name=prevq leaky=downstream max-size-buffers=1 max-size-bytes=0 "
                     "max-size-time=0 ! appsink name=preview max-buffers=1 drop=true sync=false "
                     "async=false "
                     "t. ! queue name=encq leaky=downstream max-size-buffers=0 max-size-bytes=0 "
                     "max-size-time=2000000000 ! " +
                     encoder + " ! matroskamux name=mux streamable=true ! clinvidagesink name=sink";
  return plan;
}

Result<BranchPlan> plan_microphone(const AudioSpec& source) {
  BranchPlan plan;
  plan.encoder = "pcm";
  // 16-bit PCM: 768 kb/s mono, so an age chunk fills in under a second (crash bound), and
  // nothing is lost to a codec in a clinical narration.
  plan.codec = "pcm_s16le";
  plan.bitrate_kbps = 768;
  std::string src;
  switch (source.kind) {
    case AudioKind::test_tone:
      src = fmt::format("audiotestsrc name=src is-live=true wave=sine freq={}", source.tone_hz);
      break;
    case AudioKind::alsa:
      src = "alsasrc name=src" + (source.device.empty() ? "" : " device=" + source.device);
      break;
    case AudioKind::pulse:
      src = "pulsesrc name=src" + (source.device.empty() ? "" : " device=" + source.device);
      break;
    case AudioKind::pipewire:
      src = "pipewiresrc name=src" + (source.device.empty() ? "" : " path=" + source.device);
      break;
    case AudioKind::invalid: return fail(Errc::invalid_argument, source.uri + ": no source");
  }
  plan.description = src +
                     " ! audioconvert name=convert ! audioresample ! "
                     "audio/x-raw,format=S16LE,rate=48000,channels=1,layout=interleaved ! "
                     "queue name=encq leaky=downstream max-size-buffers=0 max-size-bytes=0 "
                     "max-size-time=2000000000 ! matroskamux name=mux streamable=true ! "
                     "clinvidagesink name=sink";
  return plan;
}

}  // namespace clinvid::capture
