// OpenTimelineIO export, so a film can move to other editors (DaVinci Resolve, Premiere via
// adapters, Kdenlive). Writes .otio JSON: Timeline.1 ▸ Stack.1 ▸ Track.1 (Video/Audio) of Clip.2,
// Gap.1 and Transition.1; Marker.2 on the stack; LinearTimeWarp.1 for speed and FreezeFrame.1
// for freeze frames. Media references are ExternalReference.1 with target_url
// "clinvid-archive://<recording_id>/<stream>": the media stays in the encrypted archive.
// Every RationalTime.1 is at the project's frame rate; values may be fractional.
//
// Not exported (no OTIO equivalent): layouts, redactions, annotations, text; they are noted in
// the clip/track metadata under "clinvid" so nothing is silently dropped.
#pragma once

#include <string>

#include "core/result.hpp"
#include "timeline/model.hpp"

namespace clinvid::timeline {

[[nodiscard]] Result<std::string> export_otio(const Project& project);

}  // namespace clinvid::timeline
