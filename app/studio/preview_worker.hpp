// The editor's preview: a frame of the project composed by the engine on a worker thread
// (plan_frame -> a cached VideoDecoder per source -> Compositor cpu -> RGBA), published to a
// PreviewSlot that PreviewTexture uploads. The UI posts the newest request and never waits:
// requests made while a frame is being composed replace each other, so only the latest runs.
//
// Threading: request(), status() and the destructor on the UI thread; the worker touches only
// its own decoders and compositor, the pending request (under a mutex) and the slot.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "preview_source.hpp"
#include "render/source_media.hpp"
#include "timeline/model.hpp"

namespace clinvid::studio {

struct PreviewStatus {
  std::int64_t shown_frame = -1;  // frame index of the newest published frame; -1: none yet
  std::uint64_t frames_composed = 0;
  bool busy = false;  // a request is pending or being composed
  std::string error;  // the last request's error; empty when it succeeded
};

class PreviewWorker {
 public:
  PreviewWorker();
  // Stops the thread after the frame in progress (if any).
  ~PreviewWorker();
  PreviewWorker(const PreviewWorker&) = delete;
  PreviewWorker& operator=(const PreviewWorker&) = delete;
  PreviewWorker(PreviewWorker&&) = delete;
  PreviewWorker& operator=(PreviewWorker&&) = delete;

  // Asks for frame `frame_index` of `project`; `sources` holds the key of every recording the
  // project may name (recordings missing from it are reported as the frame's error).
  void request(timeline::Project project, std::int64_t frame_index,
               std::map<std::string, render::SourceMedia> sources);
  [[nodiscard]] PreviewStatus status() const;
  [[nodiscard]] PreviewSlot& slot() noexcept { return slot_; }

 private:
  struct Request {
    timeline::Project project;
    std::int64_t frame_index = 0;
    std::map<std::string, render::SourceMedia> sources;
  };
  struct Engine;  // decoders and compositor, worker thread only

  void run() noexcept;

  PreviewSlot slot_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Request> pending_;  // guarded by mutex_
  PreviewStatus status_;            // guarded by mutex_
  bool stopping_ = false;           // guarded by mutex_
  std::thread thread_;              // last: starts after the members above exist
};

}  // namespace clinvid::studio
